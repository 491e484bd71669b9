// One level below level 0 walked as a single cursor. Its tables are sorted and disjoint, so
// a scan needs only one of them open at a time: the cursor starts in the table that holds
// the scan's first key (a binary search over the tables' ranges), and moves to the next
// table when that one runs out — unless the next one lies wholly outside the scan's bounds.
//
// Against a cursor per table, this is what makes a short scan cheap: it reads one block per
// level, not the first block of every table in the tree, and the merge compares one key per
// level instead of one per table (LevelDB's "concatenating iterator" does the same).

import { compareBytes } from '../core/bytes.ts';
import { type Bounds, isAboveLower, isBelowUpper } from '../core/skiplist.ts';
import type { Cell } from './cell.ts';
import type { Cursor } from './merge.ts';
import type { TableCursor } from './table-reader.ts';
import type { Table } from './version.ts';

export class LevelCursor implements Cursor {
  key: Uint8Array | undefined;
  cell: Cell = null;
  private current: TableCursor | undefined;

  private constructor(
    private readonly tables: readonly Table[],
    private readonly bounds: Bounds,
    private readonly reverse: boolean,
    /** The table the cursor is in (or about to open). */
    private at: number,
  ) {}

  static async open(tables: readonly Table[], bounds: Bounds, reverse: boolean): Promise<LevelCursor> {
    const cursor = new LevelCursor(tables, bounds, reverse, reverse ? lastTableTo(tables, bounds) : firstTableFrom(tables, bounds));
    await cursor.enter();
    return cursor;
  }

  advance(): void | Promise<void> {
    const reading = this.current?.advance();
    return reading === undefined ? this.settle() : reading.then(() => this.settle());
  }

  /** Takes the current table's entry, or moves on to the next table when it has run out. */
  private settle(): void | Promise<void> {
    const current = this.current!;
    if (current.key !== undefined) {
      this.key = current.key;
      this.cell = current.cell;
      return;
    }
    this.at += this.reverse ? -1 : 1;
    return this.enter();
  }

  /** Opens table `at` if it can hold keys inside the bounds; otherwise the level is done. */
  private async enter(): Promise<void> {
    const table = this.tables[this.at];
    const { lower, upper } = this.bounds;
    const inside = table !== undefined && (this.reverse ? isAboveLower(table.meta.largest, lower) : isBelowUpper(table.meta.smallest, upper));
    if (!inside) {
      this.current = undefined;
      this.key = undefined;
      return;
    }
    this.current = await table.reader.cursor(this.bounds, this.reverse);
    return this.settle();
  }
}

/** The first table whose largest key is at or above the lower bound. */
function firstTableFrom(tables: readonly Table[], { lower }: Bounds): number {
  if (lower === undefined) return 0;
  let lo = 0;
  let hi = tables.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(tables[mid]!.meta.largest, lower.key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last table whose smallest key is at or below the upper bound (-1 when none is). */
function lastTableTo(tables: readonly Table[], { upper }: Bounds): number {
  if (upper === undefined) return tables.length - 1;
  let lo = 0;
  let hi = tables.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(tables[mid]!.meta.smallest, upper.key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
