// One transaction: its snapshot, its writes (kept here, invisible to others until commit),
// and — for serializable ones — what it read, so the commit can check that none of it changed.

import type { Entry, Limits } from '../../stages/02-ordered-map/contract.ts';
import type { Isolation, ScanOptions, Transaction } from '../../stages/07-transactions/contract.ts';
import { compareBytes, copyBytes, keepBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue } from '../core/limits.ts';
import { checkScanOptions } from '../core/scan-options.ts';
import { type Bounds, SkipList } from '../core/skiplist.ts';
import type { Write } from '../wal/wal-store.ts';
import type { TxStore } from './txn-store.ts';

/** A staged write: the value, or DELETED. */
const DELETED = null;
type Staged = Uint8Array | typeof DELETED;

export class TxImpl implements Transaction {
  private readonly writes = new SkipList<Staged>();
  private readonly reads = new SkipList<true>();
  private readonly ranges: Bounds[] = [];
  private state: 'open' | 'committing' | 'committed' | 'rolled back' = 'open';

  constructor(
    private readonly store: TxStore,
    readonly snapshot: number,
    readonly isolation: Isolation,
    private readonly limits: Limits,
  ) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key, this.limits);
    this.checkOpen();
    const staged = this.writes.get(key);
    if (staged !== undefined) return staged === DELETED ? undefined : copyBytes(staged);
    if (this.isolation === 'serializable') this.reads.set(keepBytes(key), true);
    return this.store.readAt(key, this.snapshot);
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    this.checkOpen();
    this.writes.set(keepBytes(key), keepBytes(value));
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    this.checkOpen();
    this.writes.set(keepBytes(key), DELETED);
  }

  /** The snapshot's entries with this transaction's own writes laid over them. */
  async *scan(options?: ScanOptions): AsyncGenerator<Entry> {
    const { bounds, reverse, limit } = checkScanOptions(options);
    this.checkOpen();
    if (this.isolation === 'serializable') this.ranges.push(bounds);
    const direction = reverse ? -1 : 1;
    const own = this.writes.entries(bounds, reverse);
    let mine = own.next();
    let left = limit;
    for await (const entry of this.store.scanAt(bounds, reverse, this.snapshot)) {
      // Own writes that sort before the snapshot's next entry come first.
      while (!mine.done && compareBytes(mine.value[0], entry.key) * direction < 0) {
        if (mine.value[1] !== DELETED) {
          if (left-- <= 0) return;
          yield { key: copyBytes(mine.value[0]), value: copyBytes(mine.value[1]) };
        }
        mine = own.next();
      }
      if (!mine.done && compareBytes(mine.value[0], entry.key) === 0) {
        const staged = mine.value[1];
        mine = own.next();
        if (staged === DELETED) continue;
        if (left-- <= 0) return;
        yield { key: entry.key, value: copyBytes(staged) };
        continue;
      }
      if (left-- <= 0) return;
      yield entry;
    }
    for (; !mine.done; mine = own.next()) {
      if (mine.value[1] === DELETED) continue;
      if (left-- <= 0) return;
      yield { key: copyBytes(mine.value[0]), value: copyBytes(mine.value[1]) };
    }
  }

  async commit(): Promise<void> {
    this.checkOpen();
    this.state = 'committing';
    try {
      const writes: Write[] = [...this.writes.entries()].map(([key, staged]) => ({ key, value: staged === DELETED ? undefined : staged }));
      // A transaction that wrote nothing read one consistent snapshot: nothing to check or log.
      if (writes.length > 0) await this.store.commit(writes, this);
      this.state = 'committed';
    } catch (error) {
      this.state = 'rolled back';
      throw error;
    } finally {
      this.store.release(this.snapshot);
    }
  }

  async rollback(): Promise<void> {
    this.checkOpen();
    this.state = 'rolled back';
    this.store.release(this.snapshot);
  }

  /** The keys read (serializable only), for the commit's checks. */
  readKeys(): Iterable<Uint8Array> {
    return [...this.reads.entries()].map(([key]) => key);
  }

  /** The ranges scanned (serializable only). */
  scannedRanges(): readonly Bounds[] {
    return this.ranges;
  }

  /** Refuses a call once the transaction ended, or once the store began closing (stage 08). */
  private checkOpen(): void {
    this.store.checkNotClosed();
    if (this.state !== 'open') throw new KvError('CLOSED', `the transaction is ${this.state === 'committing' ? 'committing' : this.state}: begin a new one`);
  }
}
