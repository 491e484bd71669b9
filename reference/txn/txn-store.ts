// Transactions over the write-ahead-logged store: snapshot isolation by MVCC, and a
// serializable mode by validating reads at commit.
//
//   begin ──▶ snapshot = the newest durable commit      reads: own writes, else the version
//   commit ─▶ (one at a time) check conflicts ─▶ ts = ++clock ─▶ versions + log + index,
//             in one step ─▶ durable ─▶ visible to snapshots taken from now on
//
// A commit is visible only once it is durable, and commits become visible in timestamp order:
// a snapshot never includes a commit that a crash could still take back. Old values live in
// the VersionMap (versions.ts) while an open snapshot can read them.

import type { Entry, Limits } from '../../stages/02-ordered-map/contract.ts';
import type { BatchWrite, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import type { BeginOptions, Isolation, ScanOptions, Transaction, TxStats, TxStore as TxStoreContract } from '../../stages/07-transactions/contract.ts';
import { compareBytes, copyBytes, keepBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from '../core/limits.ts';
import { checkScanOptions } from '../core/scan-options.ts';
import type { Bounds } from '../core/skiplist.ts';
import { checkBatch, type OpenEngine, WalStore, type Write } from '../wal/wal-store.ts';
import { CallGate } from './call-gate.ts';
import { Serial } from './serial.ts';
import { TxImpl } from './transaction.ts';
import { VersionMap } from './versions.ts';

export class TxStore implements TxStoreContract {
  private readonly versions = new VersionMap();
  private readonly commits = new Serial();
  private readonly gate = new CallGate();
  private closing: Promise<void> | undefined;
  /** The last commit timestamp handed out. */
  private clock = 0;
  /** Every commit up to this one is durable: what a new snapshot sees. */
  private visibleTs = 0;
  /** Commits handed a timestamp but not yet durable, by timestamp. */
  private readonly pending = new Set<number>();
  /** Open snapshots: timestamp → how many transactions hold it. */
  private readonly snapshots = new Map<number, number>();
  /** A commit's log write failed: the store has stopped (the log store rejects every call too). */
  private failure: unknown;

  private constructor(
    private readonly wal: WalStore,
    private readonly limits: Limits,
  ) {}

  static async open(options: WalStoreOptions, openEngine: OpenEngine): Promise<TxStore> {
    return new TxStore(await WalStore.open(options, openEngine), { ...DEFAULT_LIMITS, ...options.limits });
  }

  begin(options: BeginOptions = {}): Transaction {
    this.gate.check();
    this.checkOpen();
    const isolation: Isolation = options.isolation ?? 'snapshot';
    if (isolation !== 'snapshot' && isolation !== 'serializable') throw new KvError('INVALID_ARGUMENT', `isolation must be 'snapshot' or 'serializable', got ${JSON.stringify(isolation)}`);
    return new TxImpl(this, this.hold(this.visibleTs), isolation, this.limits);
  }

  // The store's own calls: each a transaction of one operation that sees every call made
  // before it (as in stage 06), so they wait for the commits queued before them. Each is
  // counted by the gate, so close() waits for it and a call after close() gets CLOSED.

  // async, so that bad input rejects like every other failure instead of throwing.
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key, this.limits);
    return this.gate.run(async () => {
      await this.commits.barrier();
      return this.wal.get(key);
    });
  }

  /**
   * One snapshot, at the newest commit (what a get made now would read): commits, flushes and
   * compactions made while the scan runs do not show through, however long the caller takes.
   */
  async *scan(options?: ScanOptions): AsyncGenerator<Entry> {
    const { bounds, reverse, limit } = checkScanOptions(options);
    const snapshot = await this.gate.run(async () => {
      await this.commits.barrier();
      return this.hold(this.clock);
    });
    try {
      if (limit === 0) return;
      let left = limit;
      for await (const entry of this.scanAt(bounds, reverse, snapshot)) {
        yield entry;
        if (--left === 0) return;
      }
    } finally {
      this.release(snapshot);
    }
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    return this.commit([{ key: keepBytes(key), value: keepBytes(value) }], undefined);
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    return this.commit([{ key: keepBytes(key), value: undefined }], undefined);
  }

  /** A batch is a transaction that read nothing: its writes commit together, or not at all. */
  async write(batch: readonly BatchWrite[]): Promise<void> {
    return this.commit(checkBatch(batch, this.limits), undefined);
  }

  flush(): Promise<void> {
    return this.gate.run(() => this.wal.flush());
  }

  checkpoint(): Promise<void> {
    return this.gate.run(() => this.wal.checkpoint());
  }

  /** The log store's figures, and the old versions kept for open snapshots (rule 7). */
  stats(): Promise<TxStats> {
    return this.gate.run(async () => ({ ...(await this.wal.stats()), versions: this.versions.oldVersions }));
  }

  /** Refuses new calls, waits for those in flight and the commits queued, then closes the log and the index (and frees the directory). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.gate.close();
      await this.commits.barrier();
      await this.wal.close();
    })();
    return this.closing;
  }

  /** Throws CLOSED once close() has begun: for a transaction's calls that touch nothing else. */
  checkNotClosed(): void {
    this.gate.check();
  }

  checkOpen(): void {
    if (this.failure !== undefined) throw new KvError('CLOSED', `the store stopped after an error (${this.failure instanceof Error ? this.failure.message : String(this.failure)}); reopen it`);
  }

  /** A key's value as of `snapshot`: its tracked version, else the index's (the newest). */
  readAt(key: Uint8Array, snapshot: number): Promise<Uint8Array | undefined> {
    return this.gate.run(() => this.readNow(key, snapshot));
  }

  private async readNow(key: Uint8Array, snapshot: number): Promise<Uint8Array | undefined> {
    this.checkOpen();
    const tracked = this.versions.visible(key, snapshot);
    if (tracked !== 'untracked') return tracked.value === undefined ? undefined : copyBytes(tracked.value);
    const value = await this.wal.get(key);
    // A commit may have replaced the key while the index was read: then its chain knows better.
    const now = this.versions.visible(key, snapshot);
    return now === 'untracked' ? value : now.value === undefined ? undefined : copyBytes(now.value);
  }

  /**
   * The entries inside `bounds` as of `snapshot`, in order: the index's, except where a chain
   * says otherwise (changed or deleted after the snapshot, or created after it). The chains are
   * searched afresh after each key, so one created while the scan runs is not passed over.
   */
  async *scanAt(bounds: Bounds, reverse: boolean, snapshot: number): AsyncGenerator<Entry> {
    // Counted by the gate one step at a time: see CallGate.
    const entries = this.entriesAt(bounds, reverse, snapshot);
    try {
      for (;;) {
        const next = await this.gate.run(() => entries.next());
        if (next.done === true) return;
        yield next.value;
      }
    } finally {
      await entries.return(undefined);
    }
  }

  private async *entriesAt(bounds: Bounds, reverse: boolean, snapshot: number): AsyncGenerator<Entry> {
    const options: ScanOptions = { reverse };
    if (bounds.lower !== undefined) options[bounds.lower.inclusive ? 'gte' : 'gt'] = bounds.lower.key;
    if (bounds.upper !== undefined) options[bounds.upper.inclusive ? 'lte' : 'lt'] = bounds.upper.key;
    const index = this.wal.scan(options)[Symbol.asyncIterator]();
    const before = (a: Uint8Array, b: Uint8Array) => compareBytes(a, b) * (reverse ? -1 : 1) < 0;
    let fromIndex = await index.next();
    let last: Uint8Array | undefined;
    try {
      for (;;) {
        const tracked = this.versions.next(bounds, reverse, last);
        const indexKey = fromIndex.done ? undefined : fromIndex.value.key;
        if (tracked === undefined && indexKey === undefined) return;
        let key: Uint8Array;
        let value: Uint8Array | undefined;
        if (tracked !== undefined && (indexKey === undefined || !before(indexKey, tracked[0]))) {
          key = tracked[0];
          const version = this.versions.visible(key, snapshot);
          value = version === 'untracked' ? undefined : version.value;
          if (indexKey !== undefined && compareBytes(indexKey, key) === 0) fromIndex = await index.next();
        } else {
          key = indexKey!;
          const version = this.versions.visible(key, snapshot);
          value = version === 'untracked' ? fromIndex.value!.value : version.value;
          fromIndex = await index.next();
        }
        last = key;
        if (value !== undefined) yield { key: copyBytes(key), value: copyBytes(value) };
      }
    } finally {
      await index.return?.();
    }
  }

  /**
   * Commits `writes` for a transaction (`tx`), or as a lone blind write (undefined: it read
   * nothing, so nothing can conflict). One commit at a time: check, read the values about to be
   * replaced, then — in one synchronous step — take a timestamp, record the versions, log and
   * apply. The log's durability is awaited outside, so many commits share an fsync.
   */
  commit(writes: readonly Write[], tx: TxImpl | undefined): Promise<void> {
    return this.gate.run(() => this.commitNow(writes, tx));
  }

  private async commitNow(writes: readonly Write[], tx: TxImpl | undefined): Promise<void> {
    let ts = 0;
    // Wrapped in an object: an async function returning the promise itself would make the
    // Serial wait for the fsync, and commits could no longer share one.
    const { durable } = await this.commits.run(async () => {
      this.checkOpen();
      if (tx !== undefined) this.validate(writes, tx);
      const before = new Map<Write, Uint8Array | undefined>();
      for (const write of writes) if (!this.versions.has(write.key)) before.set(write, await this.wal.get(write.key));
      ts = ++this.clock;
      for (const write of writes) this.versions.record(write.key, ts, write.value, before.get(write));
      this.pending.add(ts);
      return { durable: this.wal.commitWrites(writes) };
    });
    try {
      await durable;
    } catch (error) {
      // The log failed: the store has stopped, and this commit must never become visible.
      this.failure ??= error;
      throw error;
    }
    this.pending.delete(ts);
    // Visible before commit() resolves: a transaction its caller begins next must see it (rule
    // 1). Earlier commits have published by now too, as the log resolves commits in log order.
    this.publish();
  }

  /** The commit-time checks of the transaction's isolation level; throws CONFLICT. */
  private validate(writes: readonly Write[], tx: TxImpl): void {
    for (const { key } of writes) {
      if (this.versions.latestTs(key) > tx.snapshot) throw conflict(`another transaction committed a write of ${show(key)} after this one began`);
    }
    if (tx.isolation !== 'serializable') return;
    for (const key of tx.readKeys()) {
      if (this.versions.latestTs(key) > tx.snapshot) throw conflict(`${show(key)}, which this transaction read, was changed by a transaction that committed after it began`);
    }
    for (const range of tx.scannedRanges()) {
      const changed = this.versions.changedIn(range, tx.snapshot);
      if (changed !== undefined) throw conflict(`${show(changed)}, inside a range this transaction scanned, was changed by a transaction that committed after it began`);
    }
  }

  /** Moves the visible timestamp up past every commit that is durable, in order. */
  private publish(): void {
    let next = this.visibleTs + 1;
    while (next <= this.clock && !this.pending.has(next)) next++;
    this.visibleTs = next - 1;
    this.collect();
  }

  /** Keeps the versions `snapshot` reads until release(snapshot). */
  private hold(snapshot: number): number {
    this.snapshots.set(snapshot, (this.snapshots.get(snapshot) ?? 0) + 1);
    return snapshot;
  }

  /** A transaction or a scan ended: its snapshot no longer holds old versions. */
  release(snapshot: number): void {
    const holders = (this.snapshots.get(snapshot) ?? 1) - 1;
    if (holders === 0) this.snapshots.delete(snapshot);
    else this.snapshots.set(snapshot, holders);
    this.collect();
  }

  /** Drops the versions no open snapshot (and no snapshot taken from now on) can read. */
  private collect(): void {
    let horizon = this.visibleTs;
    for (const snapshot of this.snapshots.keys()) horizon = Math.min(horizon, snapshot);
    if (this.commits.idle) this.versions.collect(horizon); // never while a commit reads the values it replaces
  }

  /** For tests and the REPL's stats: how many keys have versions kept for snapshots. */
  get trackedKeys(): number {
    return this.versions.size;
  }
}

function conflict(what: string): KvError {
  return new KvError('CONFLICT', `commit refused: ${what}; retry the transaction from begin`);
}

function show(key: Uint8Array): string {
  return JSON.stringify(Buffer.from(key).toString('latin1'));
}
