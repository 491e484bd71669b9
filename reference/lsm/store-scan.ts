// A scan of the LSM store as an async iterator, written by hand rather than as an async
// generator. A generator settles a promise and hops through a queue for every entry; this
// iterator only steps the merging cursor, and awaits only when a table reads a block. Like
// a generator it does nothing until the first next(): that is when it takes its snapshot
// (the version and the memtables of that moment) and holds the tables it will read. It lets
// go of them at the end, on return() (a `break` out of for-await) or on an error.
//
// One next() at a time: for-await never asks for the next entry before the last arrived.

import { copyBytes } from '../core/bytes.ts';
import type { Entry } from '../store/memory-store.ts';
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
    if (this.finished) return Promise.resolve(DONE);
    let result: IteratorResult<Entry> | Promise<IteratorResult<Entry>>;
    try {
      result = this.source === undefined ? this.start() : this.step(this.source.cursor);
    } catch (error) {
      return this.fail(error);
    }
    return result instanceof Promise ? result.catch((error: unknown) => this.fail(error)) : Promise.resolve(result);
  }

  async return(): Promise<IteratorResult<Entry>> {
    await this.finish();
    return DONE;
  }

  private async start(): Promise<IteratorResult<Entry>> {
    this.source = await this.open();
    this.left = this.source.limit;
    if (this.finished) await releaseAll(this.source.tables); // return() came first
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
