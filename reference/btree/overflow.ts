// Values too long for a leaf cell live in a chain of overflow pages; the leaf cell keeps the
// value's length and the number of the chain's first page.
//
//   overflow page: header (type OVERFLOW, link = next page or 0, u16 at 24 = value bytes here) | value bytes
//
// Overflow pages bypass the page cache: a 1 MiB value read through it would push out everything
// else it holds. They are written once, straight to the file, and never changed: a new value
// gets a new chain and the old chain is released (its pages, like any other, are pending until
// the next flush if the last flush could reach them). The allocator hands out neighbouring
// pages when it can, so a chain is usually a run on disk; reads fetch runs of pages in one call
// and follow the links inside them.

import type { Pager } from './pager.ts';
import { checkPage, corruptPage, H_LINK, H_START, HEADER, initPage, NO_PAGE, PAGE_SIZE, PageType, pageLink, pageTxn, setU16, setU32, u16 } from './page-layout.ts';

/** Value bytes one overflow page holds. */
const CAPACITY = PAGE_SIZE - HEADER;
/** Pages fetched by one read while following a chain. */
const READ_AHEAD = 32;

/** Writes `value` as a new chain (pages of the current txn) and returns its first page. */
export async function writeOverflow(pager: Pager, value: Uint8Array): Promise<number> {
  const pages: number[] = [];
  for (let at = 0; at < value.length; at += CAPACITY) pages.push(pager.allocate());
  const images = pages.map((no, i) => {
    const data = new Uint8Array(PAGE_SIZE);
    initPage(data, PageType.OVERFLOW, no, pager.txn);
    const chunk = value.subarray(i * CAPACITY, (i + 1) * CAPACITY);
    data.set(chunk, HEADER);
    setU16(data, H_START, chunk.length);
    setU32(data, H_LINK, pages[i + 1] ?? NO_PAGE);
    return { no, data };
  });
  await pager.file.write(images);
  return pages[0]!;
}

/** The value held by the chain starting at `first`: a fresh array the caller owns. */
export async function readOverflow(pager: Pager, first: number, length: number): Promise<Uint8Array> {
  const value = new Uint8Array(length);
  let at = 0;
  await walkChain(pager, first, length, (_, data, bytes) => {
    value.set(data.subarray(HEADER, HEADER + bytes), at);
    at += bytes;
  });
  return value;
}

/** Releases every page of a chain the tree no longer points at. */
export async function releaseOverflow(pager: Pager, first: number, length: number): Promise<void> {
  const pages: Array<[number, number]> = [];
  await walkChain(pager, first, length, (no, data) => pages.push([no, pageTxn(data)]));
  for (const [no, txn] of pages) pager.release(no, txn);
}

/**
 * Follows a chain of `length` value bytes from `first`, checking every page, and calls `visit`
 * with each page's number, bytes and value byte count. A chain that ends early, runs long,
 * loops or holds the wrong kind of page is refused with CORRUPT.
 */
export async function walkChain(pager: Pager, first: number, length: number, visit: (no: number, data: Uint8Array, bytes: number) => void): Promise<void> {
  const file = pager.file;
  let run: Uint8Array = new Uint8Array(0);
  let runFirst = 0;
  let remaining = length;
  let no = first;
  while (remaining > 0) {
    if (no === NO_PAGE) throw corruptPage(file.path, first, `starts an overflow chain that ends ${remaining} bytes early`);
    if (no < runFirst || no >= runFirst + run.length / PAGE_SIZE) {
      run = await file.readRun(no, Math.min(READ_AHEAD, Math.ceil(remaining / CAPACITY)));
      runFirst = no;
    }
    const data = run.subarray((no - runFirst) * PAGE_SIZE, (no - runFirst + 1) * PAGE_SIZE);
    checkPage(data, file.path, no, PageType.OVERFLOW);
    const bytes = u16(data, H_START);
    // Every page holds at least one byte, so a looping chain runs out of `remaining` and is caught.
    if (bytes === 0 || bytes > CAPACITY || bytes > remaining) throw corruptPage(file.path, no, `says it holds ${bytes} value bytes`);
    visit(no, data, bytes);
    remaining -= bytes;
    no = pageLink(data);
  }
  if (no !== NO_PAGE) throw corruptPage(file.path, first, `starts an overflow chain longer than its ${length}-byte value`);
}
