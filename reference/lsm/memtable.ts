// The LSM tree's memtable: the newest writes, in memory, in key order — the engine's skip list
// (core/skiplist.ts, stage 02's map) holding cells, so a delete is a tombstone that shadows
// the key in older tables. It counts what its cells cost; once that reaches the store's
// share of the memory budget, the store makes it immutable and flushes it to a level 0 table
// (lsm-store.ts), while a fresh memtable takes the new writes.

import { type Bounds, SkipList } from '../core/skiplist.ts';
import { type Cell, cellBytes } from './cell.ts';
import type { Cursor } from './merge.ts';

export class Memtable {
  readonly list = new SkipList<Cell>();
  /** Bytes the cells cost in memory, roughly (cellBytes): what the memtable budget counts. */
  bytes = 0;

  /** Stores a value or a tombstone under key, counting the bytes it adds or replaces. */
  set(key: Uint8Array, cell: Cell): void {
    const previous = this.list.get(key);
    this.list.set(key, cell);
    this.bytes += cellBytes(key, cell) - (previous === undefined ? 0 : cellBytes(key, previous));
  }
}

/** A memtable walked as a cursor of the merging iterator (the skip list walk is synchronous). */
export class MemtableCursor implements Cursor {
  key: Uint8Array | undefined;
  cell: Cell = null;
  private readonly walk: Iterator<[Uint8Array, Cell]>;

  constructor(list: SkipList<Cell>, bounds: Bounds, reverse: boolean) {
    this.walk = list.entries(bounds, reverse);
    this.advance();
  }

  advance(): void {
    const next = this.walk.next();
    if (next.done) this.key = undefined;
    else [this.key, this.cell] = next.value;
  }
}
