// The page cache: the pages the tree keeps in memory, least recently used first out. It is
// where the memory budget is spent; the pager trims it back to its share after every
// operation, writing out the dirty pages it drops (pager.ts says why that is safe).
//
// A Map finds a page by number; an intrusive doubly linked list keeps the recency order, so a
// hit moves its page to the front with a few pointer writes and no allocation — a hit is on
// the path of every get.

export class Page {
  /** Changed since it was last written to the file. */
  dirty = false;
  /** Neighbours in recency order. */
  newer: Page | null = null;
  older: Page | null = null;

  constructor(
    readonly no: number,
    readonly data: Uint8Array,
  ) {}
}

export class PageCache {
  private readonly pages = new Map<number, Page>();
  private newest: Page | null = null;
  private oldest: Page | null = null;
  dirtyCount = 0;
  hits = 0;
  misses = 0;

  get size(): number {
    return this.pages.size;
  }

  /** The page, now the most recently used; undefined (a miss) if it is not cached. */
  get(no: number): Page | undefined {
    const page = this.pages.get(no);
    if (page === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (page !== this.newest) {
      this.unlink(page);
      this.linkNewest(page);
    }
    return page;
  }

  /** The page if cached, leaving recency and counters alone (for the paranoid checks). */
  peek(no: number): Page | undefined {
    return this.pages.get(no);
  }

  /** Adds a page as the most recently used, replacing any page cached under its number. */
  add(page: Page): void {
    this.remove(page.no);
    this.pages.set(page.no, page);
    this.linkNewest(page);
    if (page.dirty) this.dirtyCount++;
  }

  remove(no: number): void {
    const page = this.pages.get(no);
    if (page === undefined) return;
    this.pages.delete(no);
    this.unlink(page);
    if (page.dirty) this.dirtyCount--;
  }

  /** Only for cached pages: the count of dirty pages must stay true. */
  markDirty(page: Page): void {
    if (page.dirty) return;
    page.dirty = true;
    this.dirtyCount++;
  }

  markClean(page: Page): void {
    if (!page.dirty) return;
    page.dirty = false;
    this.dirtyCount--;
  }

  /** The `count` least recently used pages, oldest first. */
  leastRecent(count: number): Page[] {
    const out: Page[] = [];
    for (let page = this.oldest; page !== null && out.length < count; page = page.newer) out.push(page);
    return out;
  }

  dirtyPages(): Page[] {
    return [...this.pages.values()].filter((page) => page.dirty);
  }

  private linkNewest(page: Page): void {
    page.older = this.newest;
    page.newer = null;
    if (this.newest !== null) this.newest.newer = page;
    this.newest = page;
    this.oldest ??= page;
  }

  private unlink(page: Page): void {
    if (page.newer !== null) page.newer.older = page.older;
    else this.newest = page.older;
    if (page.older !== null) page.older.newer = page.newer;
    else this.oldest = page.newer;
    page.newer = null;
    page.older = null;
  }
}
