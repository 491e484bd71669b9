// Which pages are free, and from when a freed page may be written over.
//
// Copy-on-write never writes over a page that the last completed flush can reach: that flush's
// tree is what a crash brings back. So a page the current transaction lets go of is one of two
// kinds:
// - written by this transaction (a page it allocated, then split, merged or replaced again):
//   no flush ever pointed at it, so it is reusable at once;
// - reachable from the last flush (its tree, its overflow chains, its free-list pages): it is
//   only pending. It becomes reusable when the *next* flush is durable, because until then a
//   crash reopens the last flush, which still reads it. Reuse it sooner and a crash leaves a
//   tree whose pages hold someone else's bytes — a valid checksum over the wrong content, the
//   classic shadow-paging bug.
//
// The set of free pages is saved at every flush in free-list pages: a chain of pages of page
// numbers, written, like everything else, to pages the last flush does not use.
//
//   free-list page: header (type FREELIST, count = entries here, link = next page) | u32 page numbers

import type { PageFile, PageImage } from './page-file.ts';
import { corruptPage, H_COUNT, H_LINK, HEADER, initPage, META_PAGES, NO_PAGE, PAGE_SIZE, PageType, pageLink, setU16, setU32, u16, u32 } from './page-layout.ts';

const PER_PAGE = (PAGE_SIZE - HEADER) / 4;

export class FreeSpace {
  /**
   * Free now, a stack. Sorted at every flush so pops come out in ascending order: pages
   * allocated together tend to be neighbours, and neighbours are written with one call.
   */
  private reusable: number[];
  /** Freed by this transaction but reachable from the last flush: reusable after the next. */
  private pending: number[] = [];
  /** The last flush's free-list pages: in use until the next flush replaces them. */
  listPages: number[];

  constructor(free: number[], listPages: number[]) {
    this.reusable = free.sort((a, b) => b - a);
    this.listPages = listPages;
  }

  /** A page number that may be overwritten now, if there is one. */
  take(): number | undefined {
    return this.reusable.pop();
  }

  /** `now`: the page was written by the current transaction, so no flush can reach it. */
  release(no: number, now: boolean): void {
    (now ? this.reusable : this.pending).push(no);
  }

  get count(): number {
    return this.reusable.length + this.pending.length;
  }

  /** Memory held for the page numbers. */
  get bytes(): number {
    return 8 * (this.reusable.length + this.pending.length + this.listPages.length);
  }

  /** Each free page and its state, for the paranoid checks. */
  *all(): Generator<[number, 'reusable' | 'pending' | 'free list']> {
    for (const no of this.reusable) yield [no, 'reusable'];
    for (const no of this.pending) yield [no, 'pending'];
    for (const no of this.listPages) yield [no, 'free list'];
  }

  /**
   * A flush begins: the new commit will not reach the old free-list pages. `allocate` then
   * supplies pages for the new list, and this returns their images, listing every other free page.
   */
  saveList(allocate: () => number, txn: number): { head: number; count: number; images: PageImage[]; pages: number[] } {
    for (const no of this.listPages) this.pending.push(no);
    const pages: number[] = [];
    while (pages.length * PER_PAGE < this.count) pages.push(allocate()); // each allocation may shrink the count
    const free = [...this.reusable, ...this.pending];
    const images = pages.map((no, i) => {
      const data = new Uint8Array(PAGE_SIZE);
      initPage(data, PageType.FREELIST, no, txn);
      const entries = free.slice(i * PER_PAGE, (i + 1) * PER_PAGE);
      entries.forEach((page, k) => setU32(data, HEADER + 4 * k, page));
      setU16(data, H_COUNT, entries.length);
      setU32(data, H_LINK, pages[i + 1] ?? NO_PAGE);
      return { no, data };
    });
    return { head: pages[0] ?? NO_PAGE, count: free.length, images, pages };
  }

  /** The flush is durable: pending pages are free for good, and `pages` hold the list now. */
  committed(pages: number[]): void {
    for (const no of this.pending) this.reusable.push(no);
    this.pending = [];
    this.reusable.sort((a, b) => b - a);
    this.listPages = pages;
  }
}

/** Reads a flush's free list: the free page numbers, and the pages that hold them. */
export async function readFreeList(file: PageFile, head: number, count: number, pageCount: number): Promise<FreeSpace> {
  const free: number[] = [];
  const listPages: number[] = [];
  for (let no = head; no !== NO_PAGE; ) {
    if (listPages.length > pageCount) throw corruptPage(file.path, no, 'is part of a free list that loops');
    const data = await file.read(no, PageType.FREELIST);
    listPages.push(no);
    for (let k = 0, n = u16(data, H_COUNT); k < n; k++) {
      const page = u32(data, HEADER + 4 * k);
      if (page < META_PAGES || page >= pageCount) throw corruptPage(file.path, no, `lists page ${page} as free, outside the file's ${pageCount} pages`);
      free.push(page);
    }
    no = pageLink(data);
  }
  if (free.length !== count) throw corruptPage(file.path, head, `starts a free list of ${free.length} pages; the meta page says ${count}`);
  return new FreeSpace(free, listPages);
}
