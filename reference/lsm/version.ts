// A version: the set of live tables, level by level, as of one manifest edit. Versions are
// immutable; a flush or compaction installs a new one. A read takes the current version and
// holds each table it uses, so a compaction that retires a table closes its file only once
// the last read that could still touch it is done.

import { compareBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import type { TableReader } from './table-reader.ts';

/** A live table: its reader, and how many reads hold it. */
export class Table {
  private holds = 0;
  private retired = false;

  constructor(readonly reader: TableReader) {}

  get meta() {
    return this.reader.meta;
  }

  hold(): void {
    this.holds++;
  }

  /** Lets go of a hold. The last hold on a retired table closes its file: only then is there a promise. */
  release(): Promise<void> | undefined {
    this.holds--;
    return this.retired && this.holds === 0 ? this.reader.close() : undefined;
  }

  /** Leaves the tree; the file closes when no read holds it. */
  async retire(): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    if (this.holds === 0) await this.reader.close();
  }
}

/**
 * Releases every table of a read. Synchronous unless a file had to close: a get releases
 * several tables, and an await per table was a visible part of its cost.
 */
export function releaseAll(tables: readonly Table[]): Promise<void> | undefined {
  let closing: Promise<void>[] | undefined;
  for (const table of tables) {
    const closed = table.release();
    if (closed !== undefined) (closing ??= []).push(closed);
  }
  return closing === undefined ? undefined : Promise.all(closing).then(() => undefined);
}

export class Version {
  /** levels[0]: newest table first, ranges may overlap. levels[n ≥ 1]: sorted, disjoint. */
  constructor(readonly levels: readonly (readonly Table[])[]) {}

  get tables(): Table[] {
    return this.levels.flat();
  }

  /** The tables of level n (≥ 1) whose key range meets [smallest, largest]. */
  overlapping(level: number, smallest: Uint8Array, largest: Uint8Array): Table[] {
    return (this.levels[level] ?? []).filter((t) => compareBytes(t.meta.largest, smallest) >= 0 && compareBytes(t.meta.smallest, largest) <= 0);
  }

  /** The level-n (≥ 1) table that may hold key, found by binary search over disjoint ranges. */
  tableFor(level: number, key: Uint8Array): Table | undefined {
    const tables = this.levels[level] ?? [];
    let lo = 0;
    let hi = tables.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(tables[mid]!.meta.largest, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    const table = tables[lo];
    return table !== undefined && compareBytes(table.meta.smallest, key) <= 0 ? table : undefined;
  }

  /** The LSM invariants: every table's range is ordered, and levels ≥ 1 are sorted and disjoint. */
  check(): void {
    this.levels.forEach((tables, level) => {
      tables.forEach((table, i) => {
        const { smallest, largest, number } = table.meta;
        if (compareBytes(smallest, largest) > 0) throw new KvError('CORRUPT', `table ${number} at level ${level}: smallest key above largest`);
        const next = tables[i + 1];
        if (level > 0 && next !== undefined && compareBytes(largest, next.meta.smallest) >= 0) {
          throw new KvError('CORRUPT', `level ${level}: tables ${number} and ${next.meta.number} overlap or are out of order`);
        }
      });
    });
  }
}
