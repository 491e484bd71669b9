// The B+tree engine of stage 05, behind the store contract: one page file (btree.db) of 4 KiB
// pages, a page cache bounded by the memory budget, and copy-on-write updates that a flush
// makes durable in one atomic step (shadow paging). This file checks input, runs operations
// one at a time and stops the store when the disk fails; the rest is laid out as:
//
//   btree.ts       find, insert, split, delete          rebalance.ts  lazy merging after deletes
//   cursor.ts      scans, one batch at a time           check.ts      the paranoid invariant checks
//   pager.ts       the cache, copy-on-write, flush (the durability argument lives there)
//   node-page.ts   slotted leaf and branch pages        node-split.ts splitting and merging pages
//   overflow.ts    values too big for a leaf            free-space.ts free pages and when to reuse them
//   meta.ts        the meta record, two slots × 2 copies page-cache.ts the LRU of pages
//   meta-choice.ts which meta record open may take      page-layout.ts the page header, stated once
//   page-file.ts   checked page reads, batched writes
//
// Durability: a write is durable once a later flush() (or close()) resolves; after a crash the
// store holds the state of the last completed flush, or of a later one whose meta page made it.
//
// Failure: after any I/O error, or damage found while changing the tree, memory and file may
// disagree, so the store stops: that call rejects with the error, every later one with CLOSED,
// and reopening recovers the last flush. Damage found by a read (get, scan) only fails that read.

import path from 'node:path';
import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStats, DiskStore } from '../../stages/05-disk-index/contract.ts';
import { type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { keepBytes } from '../core/bytes.ts';
import type { EngineOptions } from '../core/engine-options.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from '../core/limits.ts';
import { checkScanOptions } from '../core/scan-options.ts';
import type { Bounds } from '../core/skiplist.ts';
import { createDirectory } from '../storage/directory.ts';
import { claimDirectory, ENGINE_FILE } from '../storage/engine-file.ts';
import { BTree } from './btree.ts';
import { checkTree } from './check.ts';
import { readBatch } from './cursor.ts';
import { MAX_KEY_SIZE } from './node-page.ts';
import { PAGE_FILE, Pager } from './pager.ts';
import { ReadWriteLock } from './read-write-lock.ts';

const DEFAULT_BUDGET = 8 * 1024 * 1024;

type Kind = 'read' | 'write' | 'flush';

export class BTreeStore implements DiskStore {
  private readonly lock = new ReadWriteLock();
  /** The error that stopped the store, if one did. */
  private failure: unknown;
  /** close() was called: no new calls. */
  private closed = false;
  /** The file is closed: queued work finds the store gone. */
  private released = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly tree: BTree,
    private readonly limits: Limits,
    private readonly paranoid: boolean,
    private readonly beforeDurable: (() => Promise<void>) | undefined,
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  static async open({ dir, fs = nodeFileSystem, limits = {}, memoryBudget = DEFAULT_BUDGET, paranoid = false, beforeDurable }: EngineOptions): Promise<BTreeStore> {
    const fullLimits = { ...DEFAULT_LIMITS, ...limits };
    if (fullLimits.maxKeySize > MAX_KEY_SIZE) {
      throw new KvError('INVALID_ARGUMENT', `maxKeySize ${fullLimits.maxKeySize} is too large: a B+tree page holds keys of up to ${MAX_KEY_SIZE} bytes`);
    }
    if (!(memoryBudget > 0)) throw new KvError('INVALID_ARGUMENT', `memoryBudget must be a positive number of bytes, got ${String(memoryBudget)}`);
    await createDirectory(fs, dir);
    const claim = await claimDirectory(fs, dir, { engine: 'btree', logged: beforeDurable !== undefined });
    if (claim.made && !(await fs.readdir(dir)).includes(PAGE_FILE)) {
      // Never a new empty tree where one was: the writes it held may be acknowledged (by a log, or a flush).
      throw new KvError('CORRUPT', `${path.join(dir, PAGE_FILE)}: missing, though ${ENGINE_FILE} says a B+tree was made here (at offset 0)`);
    }
    const { pager, meta } = await Pager.open(fs, dir, memoryBudget);
    try {
      await claim.confirm(); // last: the page file it vouches for is durable
    } catch (error) {
      await pager.close();
      throw error;
    }
    return new BTreeStore(new BTree(pager, meta.root, meta.height, meta.keys), fullLimits, paranoid, beforeDurable, fs, dir);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key, this.limits);
    const copy = keepBytes(key); // the caller may reuse its array while the get waits its turn
    return this.run('read', () => this.tree.get(copy));
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    const [k, v] = [keepBytes(key), keepBytes(value)];
    return this.run('write', () => this.tree.put(k, v));
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    const copy = keepBytes(key);
    await this.run('write', () => this.tree.delete(copy));
  }

  /** Options are checked when scan is called; the entries are read a batch at a time. */
  scan(options?: ScanOptions): AsyncIterable<Entry> {
    const { bounds, reverse, limit } = checkScanOptions(options);
    return this.entries(bounds, reverse, limit);
  }

  flush(): Promise<void> {
    return this.run('flush', () => this.commit());
  }

  /** A commit, after the write-ahead log in front of us (if any) is durable: log before data. */
  private async commit(): Promise<void> {
    await this.beforeDurable?.();
    await this.tree.commit();
  }

  async stats(): Promise<DiskStats> {
    return this.run('read', async () => {
      const { pager } = this.tree;
      const { cache } = pager;
      return {
        files: [
          { name: PAGE_FILE, bytes: await pager.file.size() },
          { name: ENGINE_FILE, bytes: (await this.fs.stat(path.join(this.dir, ENGINE_FILE))).size },
        ],
        memoryBytes: pager.memoryBytes,
        detail: {
          height: this.tree.height,
          keys: this.tree.keys,
          pages: pager.pageCount,
          freePages: pager.space.count,
          cachedPages: cache.size,
          dirtyPages: cache.dirtyCount,
          cacheHits: cache.hits,
          cacheMisses: cache.misses,
          lastFlush: pager.txn - 1,
        },
      };
    });
  }

  /** Waits for the calls made before it, flushes, and closes the file; a second call waits for the first. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= this.lock.exclusive(async () => {
      try {
        // A store stopped by an error has nothing it can flush; that error was reported already.
        if (this.failure === undefined) await this.commit();
      } catch (error) {
        this.failure ??= error;
        throw error;
      } finally {
        this.released = true;
        await this.tree.pager.close();
      }
    });
    return this.closing;
  }

  private async *entries(bounds: Bounds, reverse: boolean, limit: number): AsyncGenerator<Entry> {
    let left = limit;
    let after: Uint8Array | undefined;
    while (left > 0) {
      const batch = await this.run('read', () => readBatch(this.tree, bounds, reverse, after, left));
      for (const entry of batch.entries) yield entry;
      left -= batch.entries.length;
      if (batch.done) return;
      after = batch.last;
    }
  }

  /**
   * Runs `work` under the lock (read-write-lock.ts: reads side by side, writes alone, a flush
   * beside reads but not writes), trims the cache to the budget and, after a write with
   * `paranoid` on, checks the whole tree — after the trim, so spilled pages are read back from
   * the file. A write's failure stops the store; so does a read's, unless it is damage found
   * in the file (CORRUPT), which leaves memory as it was.
   */
  private run<T>(kind: Kind, work: () => Promise<T>): Promise<T> {
    this.checkOpen();
    return this.lock[kind === 'read' ? 'shared' : kind === 'write' ? 'exclusive' : 'frozen'](async () => {
      this.checkOpen(true);
      try {
        const result = await work();
        const trimming = this.tree.pager.trim();
        if (trimming !== undefined) await trimming;
        if (kind === 'write' && this.paranoid) await checkTree(this.tree);
        return result;
      } catch (error) {
        if (kind !== 'read' || !(error instanceof KvError)) this.failure ??= error;
        throw error;
      }
    });
  }

  /**
   * A call made after close() is refused; one made before it, still queued, runs — unless the
   * file is closed by the time its turn comes (`queued`), or the store has stopped.
   */
  private checkOpen(queued = false): void {
    if (this.failure !== undefined) {
      const cause = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new KvError('CLOSED', `the store stopped after an error (${cause}); reopen it to recover the last flush`);
    }
    if (queued ? this.released : this.closed) throw new KvError('CLOSED', 'the store is closed');
  }

}
