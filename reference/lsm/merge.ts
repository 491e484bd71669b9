// The merging iterator: many sorted sources — memtables and tables, newest first — read as
// one sorted stream. When several sources hold a key, the newest one's cell wins and the
// older ones are skipped: that is how an overwrite or a delete shadows what lies below it.
//
// Sources are cursors, not async iterators: a cursor's advance() returns a promise only when
// it must read a block from disk, so merging k sources awaits once per block, not k times
// per key. (With async generators — one per source, one for the merge, one for the scan —
// a full scan spent most of its time settling promises.)

import { compareBytes } from '../core/bytes.ts';
import type { Cell } from './cell.ts';

export interface Cursor {
  /** The current key, or undefined when the source is used up. */
  key: Uint8Array | undefined;
  cell: Cell;
  advance(): void | Promise<void>;
}

/**
 * Many cursors, newest first, read as one: its key is the smallest (largest, in reverse) of
 * theirs, each key once, with the cell of the newest cursor that holds it — tombstones
 * included, since only the caller knows whether an older level could still hold the key.
 * It is a cursor itself, so a scan, a compaction or another merge drive it the same way.
 */
export class MergingCursor implements Cursor {
  key: Uint8Array | undefined;
  cell: Cell = null;
  private readonly direction: 1 | -1;

  constructor(
    private readonly sources: readonly Cursor[],
    reverse: boolean,
  ) {
    this.direction = reverse ? -1 : 1;
    this.pick();
  }

  /** Moves every source past the current key; a promise only if one of them reads a block. */
  advance(): void | Promise<void> {
    const key = this.key;
    if (key === undefined) return;
    let reading: Promise<void>[] | undefined;
    for (const source of this.sources) {
      if (source.key !== undefined && compareBytes(source.key, key) === 0) {
        const pending = source.advance();
        if (pending !== undefined) (reading ??= []).push(pending);
      }
    }
    if (reading === undefined) this.pick();
    else return Promise.all(reading).then(() => this.pick());
  }

  private pick(): void {
    let best: Cursor | undefined;
    for (const source of this.sources) {
      if (source.key === undefined) continue;
      // Strictly better only: on a tie the earlier (newer) source keeps the win.
      if (best === undefined || compareBytes(source.key, best.key!) * this.direction < 0) best = source;
    }
    this.key = best?.key;
    this.cell = best === undefined ? null : best.cell;
  }
}
