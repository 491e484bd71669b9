// The write-ahead log in front of an index (the LSM tree or the B+tree): every put and delete
// is appended to the log and applied to the index when it is called; it is acknowledged once
// its record is durable ('commit') or written ('window', with an fsync within the window).
//
//   put ─┬─▶ log segment: [seq 42: put k v]  ──group commit fsync──▶ acknowledged
//        └─▶ index (memtable / pages)  ──later, on its own──▶ disk, but only after
//                                         beforeDurable() has synced the log ("log before data")
//
// Recovery opens the index (its last durable state, never ahead of the log) and replays the
// log over it. Replaying a record the index already holds changes nothing, so the log only has
// to reach back to the index's state; a checkpoint makes the index durable and deletes the
// segments before it.

import path from 'node:path';
import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStore } from '../../stages/05-disk-index/contract.ts';
import type { BatchWrite, SyncMode, WalStats, WalStore as WalStoreContract, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { nodeFileSystem, type FileSystem } from '../../stages/file-system.ts';
import { keepBytes } from '../core/bytes.ts';
import type { EngineOptions } from '../core/engine-options.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from '../core/limits.ts';
import { DirectoryLock } from '../storage/dir-lock.ts';
import { createDirectory } from '../storage/directory.ts';
import { Segment, segmentName } from './segment.ts';
import { COMMIT, DELETE, encodeWalRecord, PUT, type RecordType, TX_DELETE, TX_PUT } from './wal-record.ts';
import { recoverLog } from './wal-recovery.ts';

/** One write of a commit: a put, or a delete when there is no value. */
export interface Write {
  key: Uint8Array;
  value: Uint8Array | undefined;
}

/**
 * A batch as the contract takes it, checked whole before anything is written (one bad write
 * rejects it all), copied (the caller may reuse its arrays), and with one write per key: the
 * last, as if the writes were made in order.
 */
export function checkBatch(batch: readonly BatchWrite[], limits: Limits): Write[] {
  if (!Array.isArray(batch)) throw new KvError('INVALID_ARGUMENT', `a batch is an array of { key, value? }, got ${typeof batch}`);
  const last = new Map<string, Write>();
  for (const write of batch) {
    if (typeof write !== 'object' || write === null) throw new KvError('INVALID_ARGUMENT', `a batch holds { key, value? } objects, got ${String(write)}`);
    checkKey(write.key, limits);
    if (write.value !== undefined) checkValue(write.value, limits);
    const key = keepBytes(write.key);
    last.delete(latin1(key)); // re-inserted at the end: the batch keeps the order of last writes
    last.set(latin1(key), { key, value: write.value === undefined ? undefined : keepBytes(write.value) });
  }
  return [...last.values()];
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** Opens the index the log sits in front of (the LSM tree or the B+tree), with the log's hook. */
export type OpenEngine = (options: EngineOptions) => Promise<DiskStore>;

const DEFAULT_WINDOW_MS = 10;
/** In 'window' mode, how far the log may run ahead of its last fsync: half the memory budget (8 MiB by default)… */
const DEFAULT_MAX_UNSYNCED = 4 * 1024 * 1024;
/** …but at least a few records' worth, so that a tiny budget does not turn every write into a wait for the disk. */
const MIN_MAX_UNSYNCED = 4 * 1024;
const DEFAULT_CHECKPOINT_BYTES = 4 * 1024 * 1024;

export class WalStore implements WalStoreContract {
  /** Segments a running checkpoint has left behind: deleted once the index covers them. */
  private older: Segment[] = [];
  /** Whole segments found at open before the live one (a checkpoint was cut short): the next checkpoint deletes them too. */
  private earlier: { number: number; bytes: number }[] = [];
  private checkpointing: Promise<void> | undefined;
  private windowTimer: ReturnType<typeof setTimeout> | undefined;
  private failure: unknown;
  private closed = false;
  private closing: Promise<void> | undefined;
  private checkpoints = 0;
  /** In 'window' mode, how far the log may run ahead of its last fsync (half the memory budget). */
  private maxUnsyncedBytes = DEFAULT_MAX_UNSYNCED;
  /** fsyncs made by segments a checkpoint deleted: stats() counts the log's over the store's life. */
  private retiredSyncs = 0;

  private constructor(
    private readonly engine: DiskStore,
    private readonly lock: DirectoryLock,
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly limits: Limits,
    private readonly mode: SyncMode,
    private readonly windowMs: number,
    private readonly checkpointBytes: number,
    private live: Segment,
    private nextSeq: number,
    private lastNumber: number,
  ) {}

  static async open(options: WalStoreOptions, openEngine: OpenEngine): Promise<WalStore> {
    const { dir, fs = nodeFileSystem, sync = 'commit', syncWindowMs = DEFAULT_WINDOW_MS, checkpointBytes = DEFAULT_CHECKPOINT_BYTES } = options;
    if (sync !== 'commit' && sync !== 'window') throw new KvError('INVALID_ARGUMENT', `sync must be 'commit' or 'window', got ${JSON.stringify(sync)}`);
    if (!(syncWindowMs >= 0)) throw new KvError('INVALID_ARGUMENT', `syncWindowMs must be a number of milliseconds >= 0, got ${String(syncWindowMs)}`);
    if (!(checkpointBytes > 0)) throw new KvError('INVALID_ARGUMENT', `checkpointBytes must be a positive number, got ${String(checkpointBytes)}`);
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    await createDirectory(fs, dir);
    const lock = await DirectoryLock.acquire(fs, dir); // before reading a byte: another owner may be writing
    // The hook is bound once the store exists; while the log replays, the records are on disk already.
    let store: WalStore | undefined;
    let engine: DiskStore;
    try {
      engine = await openEngine({ ...options, fs, beforeDurable: () => store?.syncAll() ?? Promise.resolve() });
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
    try {
      // Frames are bounded by the file, not by this open's limits: a smaller limit must not turn
      // an acknowledged record into a torn tail. The index refuses an oversized one instead.
      const recovered = await recoverLog(fs, dir, Number.MAX_SAFE_INTEGER, async (record) => {
        try {
          await (record.type === PUT || record.type === TX_PUT ? engine.put(record.key, record.value) : engine.delete(record.key));
        } catch (error) {
          if (!(error instanceof KvError) || (error.code !== 'KEY_TOO_LARGE' && error.code !== 'VALUE_TOO_LARGE')) throw error;
          throw new KvError('INVALID_ARGUMENT', `the log holds a write (sequence number ${record.seq}) beyond this open's limits: ${error.message}; open with the limits it was written with`);
        }
      });
      const live =
        recovered.live === undefined
          ? await WalStore.firstSegment(fs, dir, recovered.lastNumber + 1, recovered.nextSeq)
          : await Segment.reopen(fs, dir, recovered.live.number, recovered.live.validLength);
      store = new WalStore(engine, lock, fs, dir, limits, sync, syncWindowMs, checkpointBytes, live, recovered.nextSeq, live.number);
      store.earlier = recovered.earlier;
      store.maxUnsyncedBytes = Math.max(MIN_MAX_UNSYNCED, Math.floor((options.memoryBudget ?? 2 * DEFAULT_MAX_UNSYNCED) / 2));
      return store;
    } catch (error) {
      await engine.close().catch(() => undefined);
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  private static async firstSegment(fs: FileSystem, dir: string, number: number, firstSeq: number): Promise<Segment> {
    const segment = await Segment.create(fs, dir, number);
    const header = segment.start(firstSeq);
    segment.follow(fs.syncDir(dir));
    await header;
    await segment.sync.durableThrough(segment.end); // the header and the directory entry
    return segment;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.checkOpen();
    return this.engine.get(key);
  }

  scan(options?: ScanOptions): AsyncIterable<Entry> {
    this.checkOpen();
    return this.engine.scan(options);
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    return this.commitWrites([{ key, value }]);
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    return this.commitWrites([{ key, value: undefined }]);
  }

  /** Several writes, logged and applied as one: after a crash all of them are there or none. */
  async write(batch: readonly BatchWrite[]): Promise<void> {
    return this.commitWrites(checkBatch(batch, this.limits));
  }

  /** Every write made before the call becomes durable: one fsync, shared with whoever waits. */
  async flush(): Promise<void> {
    this.checkOpen();
    await this.guard(this.syncAll());
  }

  async checkpoint(): Promise<void> {
    this.checkOpen();
    return this.guard(this.startCheckpoint());
  }

  async stats(): Promise<WalStats> {
    this.checkOpen();
    const stats = await this.engine.stats();
    const segments = this.segments().map((s) => ({ name: segmentName(s.number), bytes: s.bytes }));
    const logSyncs = [...this.older, this.live].reduce((sum, s) => sum + s.sync.syncs, this.retiredSyncs);
    return { ...stats, files: [...stats.files, ...segments], logBytes: this.logBytes(), checkpoints: this.checkpoints, detail: { ...stats.detail, logSyncs } };
  }

  /**
   * Waits for a checkpoint in flight, makes the log durable, closes the index and the log. A
   * store stopped by an error still closes its index (which then cannot flush past the log,
   * as the hook fails) and rejects with that error.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    clearTimeout(this.windowTimer);
    try {
      try {
        await this.checkpointing?.catch(() => undefined);
        if (this.failure === undefined) await this.guard(this.syncAll());
      } finally {
        await this.engine.close().catch((error: unknown) => this.stop(error));
        for (const segment of [...this.older, this.live]) await segment.handle.close().catch(() => undefined);
      }
      if (this.failure !== undefined) throw this.failure;
      await this.shutdownCheckpoint();
    } finally {
      // Last, and even after a failure: the directory is free once nothing of ours touches it.
      // (If this fails too, the LOCK names a process that will be gone: the next owner takes it over.)
      await this.lock.release().catch(() => undefined);
    }
  }

  /**
   * The index closed cleanly, so its files hold every logged write: the log is not needed any
   * more, and the next open need not replay it (a shutdown checkpoint, as PostgreSQL makes).
   * A crash in between leaves segments the index already covers: replaying them is harmless.
   */
  private async shutdownCheckpoint(): Promise<void> {
    for (const { number } of this.segments()) await this.fs.unlink(path.join(this.dir, segmentName(number)));
    await this.fs.syncDir(this.dir);
  }

  /**
   * Logs and applies writes, as one atomic unit: one write is one record; several (a
   * transaction, stage 07) are TX records closed by a COMMIT record, in one append. Records and
   * sequence numbers are reserved before the first await, and the index applies the writes at
   * once: log order, index order and call order agree, and a get made after this call sees them.
   * (Keys and values are checked by the caller.)
   */
  async commitWrites(writes: readonly Write[]): Promise<void> {
    this.checkOpen();
    if (writes.length === 0) return;
    const live = this.live;
    const { end, written } = live.append(this.encode(writes, live.sync.syncedLength));
    const applied = Promise.all(writes.map((w) => (w.value === undefined ? this.engine.delete(w.key) : this.engine.put(w.key, w.value))));
    await this.guard(settleBoth(written, applied.then(() => undefined)));
    if (this.mode === 'commit') await this.guard(live.sync.durableThrough(end));
    else {
      await this.guard(live.sync.writtenThrough(end));
      await this.guard(live.writtenBefore); // and every write of the older segments
      // Back-pressure: the log may run ahead of its last fsync by a bounded number of bytes.
      // Past that, writers wait for the disk: acknowledging more would hold ever more data
      // in memory (the page cache) that the window promised would soon be durable.
      const behind = end - this.maxUnsyncedBytes;
      if (behind > live.sync.syncedLength) await this.guard(live.sync.durableThrough(behind));
      this.windowTimer ??= setTimeout(() => {
        this.windowTimer = undefined;
        this.syncAll().catch((error: unknown) => this.stop(error));
      }, this.windowMs);
    }
    if (this.logBytes() >= this.checkpointBytes && this.checkpointing === undefined) {
      this.startCheckpoint().catch(() => undefined); // in the background; a failure stops the store
    }
  }

  private encode(writes: readonly Write[], syncedLength: number): Uint8Array {
    const record = (type: RecordType, key: Uint8Array, value: Uint8Array) => encodeWalRecord({ type, seq: this.nextSeq++, key, value, syncedLength });
    const empty = new Uint8Array(0);
    if (writes.length === 1) return record(writes[0]!.value === undefined ? DELETE : PUT, writes[0]!.key, writes[0]!.value ?? empty);
    const records = writes.map((w) => record(w.value === undefined ? TX_DELETE : TX_PUT, w.key, w.value ?? empty));
    records.push(record(COMMIT, empty, empty));
    return Buffer.concat(records);
  }

  /** Everything logged so far made durable: the live segment's fsync waits for the older ones. */
  private syncAll(): Promise<void> {
    return this.live.sync.durableThrough(this.live.end);
  }

  /** Every segment on disk, oldest first: found at open, left by a checkpoint, and the live one. */
  private segments(): { number: number; bytes: number }[] {
    return [...this.earlier, ...[...this.older, this.live].map((s) => ({ number: s.number, bytes: s.end }))];
  }

  private logBytes(): number {
    return this.segments().reduce((sum, s) => sum + s.bytes, 0);
  }

  /** One checkpoint at a time; a second call while one runs waits for it and runs another. */
  private startCheckpoint(): Promise<void> {
    const run = (this.checkpointing ?? Promise.resolve()).catch(() => undefined).then(() => this.runCheckpoint());
    const tracked = run.finally(() => {
      if (this.checkpointing === tracked) this.checkpointing = undefined;
    });
    this.checkpointing = tracked;
    return this.guard(tracked);
  }

  /**
   * 1. a new segment takes the writes from now on (the switch is synchronous);
   * 2. the old segments' records become durable (the new segment's first fsync waits for it);
   * 3. the index makes its state durable: it holds every record of the old segments;
   * 4. only then are the old segments deleted — a crash before leaves them to be replayed.
   */
  private async runCheckpoint(): Promise<void> {
    // An automatic checkpoint that close() overtook: close syncs the log, which is all it needs.
    if (this.closed && this.failure === undefined) return;
    this.checkOpen();
    const next = await Segment.create(this.fs, this.dir, ++this.lastNumber);
    // From here to the first await, one synchronous step: the switch. Every write made before
    // it is in `old`, every later one in `next`, and the header names the first of those.
    const old = this.live;
    const header = this.guard(next.start(this.nextSeq));
    const oldDurable = old.sync.durableThrough(old.end);
    next.follow(Promise.all([oldDurable, this.fs.syncDir(this.dir)]).then(() => undefined));
    next.followWrites(Promise.all([old.writtenBefore, old.sync.writtenThrough(old.end)]).then(() => undefined));
    this.older.push(old);
    this.live = next;
    header.catch(() => undefined); // a failure has stopped the store; the checkpoint ends below
    oldDurable.catch(() => undefined);
    await header;
    // The new segment durable (its header, its directory entry, and so all before it) before
    // the index flush: an idle checkpoint must not leave a header for the next one to find torn.
    await this.guard(next.sync.durableThrough(next.end));
    await this.guard(oldDurable);
    await this.engine.flush(); // the index now holds, durably, every record of the older segments
    const gone = this.older;
    const earlier = this.earlier;
    this.older = [];
    this.earlier = [];
    for (const segment of gone) {
      this.retiredSyncs += segment.sync.syncs;
      await segment.handle.close();
    }
    for (const number of [...earlier.map((s) => s.number), ...gone.map((s) => s.number)]) {
      await this.fs.unlink(path.join(this.dir, segmentName(number)));
    }
    await this.fs.syncDir(this.dir);
    this.checkpoints++;
  }

  /** After an I/O error the store stops: what reached the disk is known only after a reopen. */
  private checkOpen(): void {
    if (this.closed) throw new KvError('CLOSED', 'the store is closed');
    if (this.failure !== undefined) {
      const cause = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new KvError('CLOSED', `the store stopped after an error (${cause}); reopen it`);
    }
  }

  private stop(error: unknown): void {
    this.failure ??= error;
    clearTimeout(this.windowTimer);
  }

  /** Awaits `work`; a failure of it stops the store. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      this.stop(error);
      throw error;
    }
  }
}

/** Waits for both; the first failure wins, and neither is left unobserved. */
async function settleBoth(a: Promise<void>, b: Promise<void>): Promise<void> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
}

