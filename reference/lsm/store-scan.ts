// A scan of the LSM store as an async iterator, written by hand rather than as an async
// generator. A generator settles a promise and hops through a queue for every entry; this
// iterator only steps the merging cursor, and awaits only when a table reads a block. Like
// a generator it does nothing until the first next(): that is when it takes its snapshot
// (the version and the memtables of that moment) and holds the tables it will read. It lets
// go of them at the end, on return() (a `break` out of for-await) or on an error.
//
// Calls are served in order: for-await never overlaps them, but a caller may call next()
// twice without waiting, and then the second waits for the first (as with a generator).

import type { Entry } from '../../stages/02-ordered-map/contract.ts';
import { copyBytes } from '../core/bytes.ts';
import { TOMBSTONE } from './cell.ts';
import type { MergingCursor } from './merge.ts';
import { releaseAll, type Table } from './version.ts';

/** What a scan reads from: the merged cursor, the tables it holds until it ends, and how many entries it may return. */
export interface ScanSource {
  cursor: MergingCursor;
  tables: readonly Table[];
  limit: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class StoreScan implements AsyncIterableIterator<Entry> {
  private source: ScanSource | undefined;
  private finished = false;
  private left = 0;
  /** Settles when the asynchronous call in progress does. */
  private busy: Promise<void> | undefined;
  /** The cursor stands on an entry already returned: step past it before looking again. */
  private returnedCurrent = false;

  constructor(
    /** Takes the snapshot and holds its tables; called at the first next(). */
    private readonly open: () => Promise<ScanSource>,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Entry>> {
    if (this.busy !== undefined) return this.busy.then(() => this.next());
    if (this.finished) return Promise.resolve(DONE);
    let result: IteratorResult<Entry> | Promise<IteratorResult<Entry>>;
    try {
      result = this.source === undefined ? this.start() : this.step(this.source.cursor);
    } catch (error) {
      return this.fail(error);
    }
    if (!(result instanceof Promise)) return Promise.resolve(result);
    // Asynchronous (a block read, or the first call): calls made meanwhile queue behind it.
    const guarded = result.catch((error: unknown) => this.fail(error));
    const busy = guarded.then(
      () => undefined,
      () => undefined,
    );
    this.busy = busy;
    void busy.then(() => {
      if (this.busy === busy) this.busy = undefined;
    });
    return guarded;
  }

  async return(): Promise<IteratorResult<Entry>> {
    while (this.busy !== undefined) await this.busy;
    await this.finish();
    return DONE;
  }

  private async start(): Promise<IteratorResult<Entry>> {
    this.source = await this.open();
    this.left = this.source.limit;
    return this.step(this.source.cursor);
  }

  /** The next live entry: tombstones are stepped over, and the limit ends the scan. */
  private step(cursor: MergingCursor): IteratorResult<Entry> | Promise<IteratorResult<Entry>> {
    for (;;) {
      if (this.finished) return DONE;
      if (this.returnedCurrent) {
        this.returnedCurrent = false;
        const reading = cursor.advance();
        if (reading !== undefined) return reading.then(() => this.step(cursor));
      }
      const { key, cell } = cursor;
      if (key === undefined || this.left <= 0) return this.finish().then(() => DONE);
      this.returnedCurrent = true;
      if (cell === TOMBSTONE) continue;
      this.left--;
      return { done: false, value: { key: copyBytes(key), value: copyBytes(cell!) } };
    }
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.source !== undefined) await releaseAll(this.source.tables);
  }

  private async fail(error: unknown): Promise<never> {
    await this.finish();
    throw error;
  }
}
