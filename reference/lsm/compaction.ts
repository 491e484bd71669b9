// Leveled compaction, as LevelDB does it. Level 0 holds flushed memtables, whose ranges
// overlap; once it has L0_TRIGGER tables they are merged, with the level-1 tables they
// overlap, into new level-1 tables. Each level n ≥ 1 may hold ten times the bytes of the one
// above; when it holds more, one of its tables is merged into level n + 1. Levels ≥ 1 stay
// sorted and disjoint, so a get reads at most one table per level.
//
// Why leveled and not tiered: it bounds read amplification (one table per level) and space
// amplification (~10%) at the price of rewriting data more often — the better default for a
// store that serves point reads and scans. Tiered (size-tiered) writes less, reads more.
//
// A tombstone may be dropped only when the output is the deepest level with data: below it,
// no older table can still hold the key it deletes.

import { compareBytes } from '../core/bytes.ts';
import type { Cell } from './cell.ts';
import { TOMBSTONE } from './cell.ts';
import type { Table, Version } from './version.ts';

export const L0_TRIGGER = 4;
/** Writers wait for compaction when level 0 holds this many tables (LevelDB slows writes at 8, stops them at 12). */
export const L0_STOP = 8;
const LEVEL_MULTIPLIER = 10;

export interface Plan {
  /** The level compacted from; the output goes to level + 1. */
  level: number;
  /** Input tables, newest first: those of `level`, then the overlapping ones of level + 1. */
  inputs: Table[];
  dropTombstones: boolean;
}

export function levelMaxBytes(level: number, level1Bytes: number): number {
  return level1Bytes * LEVEL_MULTIPLIER ** (level - 1);
}

/** The most urgent compaction, or undefined when the tree is in shape. */
export function pickCompaction(version: Version, level1Bytes: number, pointers: Map<number, Uint8Array>): Plan | undefined {
  const levels = version.levels;
  let level = -1;
  let inputs: Table[] = [];
  if ((levels[0]?.length ?? 0) >= L0_TRIGGER) {
    level = 0;
    inputs = [...levels[0]!];
  } else {
    for (let n = 1; n < levels.length; n++) {
      const bytes = levels[n]!.reduce((sum, t) => sum + t.meta.bytes, 0);
      if (bytes <= levelMaxBytes(n, level1Bytes)) continue;
      // Round-robin through the level's key space, so every table's turn comes.
      const after = pointers.get(n);
      const tables = levels[n]!;
      const next = tables.find((t) => after === undefined || compareBytes(t.meta.smallest, after) > 0) ?? tables[0]!;
      level = n;
      inputs = [next];
      pointers.set(n, next.meta.largest);
      break;
    }
  }
  if (level === -1) return undefined;
  const smallest = inputs.map((t) => t.meta.smallest).reduce((a, b) => (compareBytes(a, b) <= 0 ? a : b));
  const largest = inputs.map((t) => t.meta.largest).reduce((a, b) => (compareBytes(a, b) >= 0 ? a : b));
  const below = version.overlapping(level + 1, smallest, largest);
  const deeper = levels.slice(level + 2).some((tables) => tables.length > 0);
  return { level, inputs: [...inputs, ...below], dropTombstones: !deeper };
}

/** Whether compaction writes this cell to its output. */
export function keepCell(cell: Cell, dropTombstones: boolean): boolean {
  return cell !== TOMBSTONE || !dropTombstones;
}
