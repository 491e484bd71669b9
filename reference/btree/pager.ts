// The pager: pages in and out of memory, and the transaction that turns every change since the
// last flush into one atomic step on disk — shadow paging, as in LMDB.
//
// Copy-on-write. Every page records in its header the txn it was written for; the current
// transaction is the last flush's sequence number + 1. A page of the current txn was made since
// the last flush, no meta page points at it, and it may change in place. Any other page belongs
// to the last flush and must not change: `writable` copies it to a free location, releases the
// original (pending until the next flush, see free-space.ts), and the tree points the parent
// at the copy — which makes the parent writable too, and so on up to a new root. A page is
// copied at most once per flush; later changes to it happen in place.
//
// A flush (commit):
//   1. saves the free list to free pages;
//   2. writes every dirty page to its location (all of them unreachable from the last flush), and syncs;
//   3. writes the new meta record into the slot the last flush did not use: copy A, sync, copy B, sync.
// A power cut before copy A is durable reopens the last flush, none of whose pages was written
// over; after, the new one. The sync between the copies means a power cut tears at most one of
// them, so two unreadable copies are damage, which open refuses (meta.ts, meta-choice.ts). It
// costs a third fsync per flush. Nothing else is ever written over a page the last flush can reach.
//
// Spilling. After each operation the cache is trimmed to the memory budget, and a dirty page it
// drops is written out at once. That is safe for the same reason: a dirty page always belongs to
// the current txn, at a location the last flush does not reach; a crash leaves bytes there that
// nobody reads, and the next flush's sync makes them durable with the rest.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { KvError } from '../core/errors.ts';
import { replaceFile } from '../storage/directory.ts';
import { type FreeSpace, readFreeList } from './free-space.ts';
import { encodeMeta, type Meta, metaSlot, slotPages } from './meta.ts';
import { checkNoLaterFlush, chooseMeta } from './meta-choice.ts';
import { initNode } from './node-page.ts';
import { Page, PageCache } from './page-cache.ts';
import { PageFile } from './page-file.ts';
import { corruptPage, H_PAGE_NO, H_TXN, META_PAGES, PAGE_SIZE, PageType, pageTxn, pageType, sealPage, setU32, setU64, typeName } from './page-layout.ts';

export const PAGE_FILE = 'btree.db';
const TEMP_FILE = `${PAGE_FILE}.tmp`; // replaceFile's name for it
/** What a cached page costs beyond its bytes: the Page object, its array's header, the Map entry (an estimate). */
const PAGE_OVERHEAD = 160;
/** The cache never shrinks below a root-to-leaf path, whatever the budget. */
const MIN_CACHED_PAGES = 4;

export class Pager {
  readonly cache = new PageCache();
  /** The transaction being built: the last flush's sequence number + 1. */
  txn: number;
  /** Pages in the file, meta pages included: a new page is numbered pageCount. */
  pageCount: number;
  /** Whether anything changed since the last flush (else a flush has nothing to do). */
  private changed = false;

  private constructor(
    readonly file: PageFile,
    readonly space: FreeSpace,
    private readonly budget: number,
    meta: Meta,
  ) {
    this.txn = meta.seq + 1;
    this.pageCount = meta.pageCount;
  }

  /** Opens (creating if need be) the page file in `dir`; returns the pager and the meta page it chose. */
  static async open(fs: FileSystem, dir: string, budget: number): Promise<{ pager: Pager; meta: Meta }> {
    const names = await fs.readdir(dir);
    if (names.includes(TEMP_FILE)) {
      await fs.unlink(path.join(dir, TEMP_FILE)); // a creation that never finished; it held nothing
      await fs.syncDir(dir);
    }
    if (!names.includes(PAGE_FILE)) await createPageFile(fs, dir);
    const filePath = path.join(dir, PAGE_FILE);
    const file = new PageFile(await fs.open(filePath, 'write'), filePath);
    try {
      const size = await file.size();
      const meta = chooseMeta(await file.readRun(0, META_PAGES), filePath);
      const expected = meta.pageCount * PAGE_SIZE;
      if (size < expected) {
        throw new KvError('CORRUPT', `${filePath}: the file ends early, meta slot ${metaSlot(meta.seq)} says it holds ${meta.pageCount} pages at offset ${size}`);
      }
      // Pages past the end belong to a flush that never finished, unless they prove otherwise.
      // They stay: new pages are written over them (see meta-choice.ts on why open never truncates).
      await checkNoLaterFlush(file, meta, size);
      const space = await readFreeList(file, meta.freeHead, meta.freeCount, meta.pageCount);
      return { pager: new Pager(file, space, budget, meta), meta };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** A cached node page (counted as a hit or a miss). */
  cached(no: number): Page | undefined {
    return this.cache.get(no);
  }

  /** Reads a node page into the cache; call after cached() missed. */
  async load(no: number): Promise<Page> {
    const data = await this.file.read(no);
    const type = pageType(data);
    if (type !== PageType.LEAF && type !== PageType.BRANCH) {
      throw corruptPage(this.file.path, no, `is a ${typeName(type)} page where a tree node belongs`);
    }
    const page = new Page(no, data);
    this.cache.add(page);
    return page;
  }

  /** A page's bytes without caching them: for the paranoid checks, which must not disturb the cache. */
  async peek(no: number): Promise<Uint8Array> {
    return this.cache.peek(no)?.data ?? this.file.read(no);
  }

  /** A page number to write a new page at: a reusable free page, else one past the end. */
  allocate(): number {
    this.changed = true;
    return this.space.take() ?? this.pageCount++;
  }

  /** A new empty leaf or branch of the current txn, cached and dirty. */
  newNode(type: number): Page {
    const page = new Page(this.allocate(), new Uint8Array(PAGE_SIZE));
    initNode(page.data, type, page.no, this.txn);
    page.dirty = true;
    this.cache.add(page);
    return page;
  }

  /**
   * The page, ready to change: itself when the current txn wrote it, else a copy at a new
   * location (the original is released). The caller must point the parent at the result.
   */
  writable(page: Page): Page {
    if (this.cache.peek(page.no) !== page) throw new Error(`internal error: page ${page.no} is changed but is not in the cache`);
    if (pageTxn(page.data) === this.txn) {
      this.cache.markDirty(page);
      return page;
    }
    const copy = new Page(this.allocate(), page.data.slice());
    setU32(copy.data, H_PAGE_NO, copy.no);
    setU64(copy.data, H_TXN, this.txn);
    copy.dirty = true;
    this.cache.add(copy);
    this.release(page.no, pageTxn(page.data));
    return copy;
  }

  /** Gives back a page the tree no longer uses; `txn` is the one in its header. */
  release(no: number, txn: number): void {
    this.changed = true;
    this.cache.remove(no);
    this.space.release(no, txn === this.txn);
  }

  /** Memory held now: cached pages and the free page numbers. */
  get memoryBytes(): number {
    return this.cache.size * (PAGE_SIZE + PAGE_OVERHEAD) + this.space.bytes;
  }

  /**
   * Brings the cache back within the budget, least recently used first, spilling dirty pages.
   * Once over, it evicts a little more than the excess (1/32 of the cache), so spills go out
   * in batches instead of one page per operation.
   */
  trim(): Promise<void> | undefined {
    const room = Math.max(MIN_CACHED_PAGES, Math.floor((this.budget - this.space.bytes) / (PAGE_SIZE + PAGE_OVERHEAD)));
    // Synchronous when within budget (nearly every call): an await per operation is not free.
    return this.cache.size <= room ? undefined : this.evict(room);
  }

  private async evict(room: number): Promise<void> {
    const target = Math.max(MIN_CACHED_PAGES, room - Math.floor(room / 32));
    const victims = this.cache.leastRecent(this.cache.size - target);
    const dirty = victims.filter((page) => page.dirty);
    if (dirty.length > 0) await this.file.write(dirty); // safe: see "Spilling" above
    for (const page of victims) this.cache.remove(page.no);
  }

  /** Makes the tree rooted at `root` the durable state: steps 1–3 of the header. */
  async commit(root: number, height: number, keys: number): Promise<void> {
    if (!this.changed) return;
    const seq = this.txn;
    const list = this.space.saveList(() => this.allocate(), seq);
    const dirty = this.cache.dirtyPages();
    await this.file.write([...dirty, ...list.images]);
    for (const page of dirty) this.cache.markClean(page);
    // A page allocated at the end and released before it was ever written leaves a hole past
    // the end of the file; the file must cover every page the meta page counts.
    const length = this.pageCount * PAGE_SIZE;
    if ((await this.file.size()) < length) await this.file.truncate(length);
    await this.file.sync();
    const meta: Meta = { seq, root, pageCount: this.pageCount, freeHead: list.head, freeCount: list.count, height, keys };
    // Copy A durable before copy B is written: a power cut can tear only one (meta.ts).
    for (const page of slotPages(metaSlot(seq))) {
      await this.file.writeUnsealed(page, encodeMeta(meta, page));
      await this.file.sync();
    }
    // Durable: the last flush's pages that this one let go of may now be written over.
    this.space.committed(list.pages);
    this.txn = seq + 1;
    this.changed = false;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

/**
 * A new page file: both copies of meta record 0 and an empty root leaf, written to a temporary
 * name, synced, then renamed into place — so the file either does not exist or is whole.
 */
async function createPageFile(fs: FileSystem, dir: string): Promise<void> {
  const image = new Uint8Array((META_PAGES + 1) * PAGE_SIZE); // slot 1's pages stay zero: never written
  const meta: Meta = { seq: 0, root: META_PAGES, pageCount: META_PAGES + 1, freeHead: 0, freeCount: 0, height: 1, keys: 0 };
  for (const page of slotPages(0)) image.set(encodeMeta(meta, page), page * PAGE_SIZE);
  const root = image.subarray(META_PAGES * PAGE_SIZE);
  initNode(root, PageType.LEAF, META_PAGES, 0);
  sealPage(root);
  await replaceFile(fs, dir, PAGE_FILE, image); // via btree.db.tmp (TEMP_FILE), which open removes if a crash left it
}
