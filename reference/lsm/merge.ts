// The merging iterator: many sorted sources — memtables and tables, newest first — read as
// one sorted stream. When several sources hold a key, the newest one's cell wins and the
// older ones are skipped: that is how an overwrite or a delete shadows what lies below it.
//
// Sources are cursors, not async iterators: a cursor's advance() returns a promise only when
// it must read a block from disk, so merging k sources awaits once per block, not k times
// per key. (With async generators the scan spent most of its time settling promises.)

import { compareBytes } from '../core/bytes.ts';
import type { Bounds, SkipList } from '../memtable/skiplist.ts';
import type { Cell } from './cell.ts';

export interface Cursor {
  /** The current key, or undefined when the source is used up. */
  key: Uint8Array | undefined;
  cell: Cell;
  advance(): void | Promise<void>;
}

/** A memtable walked as a cursor (the skip list walk is synchronous). */
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

/** Yields each key once, with the cell of the newest cursor that holds it (tombstones included). */
export async function* mergeNewestFirst(cursors: readonly Cursor[], reverse: boolean): AsyncGenerator<[Uint8Array, Cell]> {
  const direction = reverse ? -1 : 1;
  while (true) {
    let best: Cursor | undefined;
    for (const cursor of cursors) {
      if (cursor.key === undefined) continue;
      // Strictly better only: on a tie the earlier (newer) cursor keeps the win.
      if (best === undefined || compareBytes(cursor.key, best.key!) * direction < 0) best = cursor;
    }
    if (best === undefined) return;
    const key = best.key!;
    yield [key, best.cell];
    for (const cursor of cursors) {
      if (cursor.key !== undefined && compareBytes(cursor.key, key) === 0) {
        const pending = cursor.advance();
        if (pending !== undefined) await pending;
      }
    }
  }
}
