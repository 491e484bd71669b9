// Splitting a node that overflows into two, and merging two thin siblings into one. Both
// rebuild pages from a list of cells, so both live here; the tree (btree.ts, rebalance.ts)
// decides when, and fixes the parent.
//
// Why a split always fits. A cell with its slot takes at most M = USABLE / 3 bytes (node-page.ts
// refuses bigger ones: long values go to overflow pages). A node that overflows holds more than
// USABLE bytes with the new cell, so more than 3M: the first cell alone is under half of that.
// The split point fills the left page up to half the total; the right page gets the rest, at
// most half plus one cell, (USABLE + M) / 2 + M, which is ≤ USABLE exactly because M ≤ USABLE / 3.
// Both halves also get at least one cell (a branch's right half two: one moves up).
//
// Sequential inserts would leave every page half empty with a balanced split, so when the new
// cell lands at the very end of the tree (the rightmost page of its level), the split keeps
// the old cells together and starts the new page with the new cell alone — as SQLite does.

import { H_COUNT, H_GARBAGE, H_LINK, H_START, PAGE_SIZE, pageLink, setU16, setU32, u16, u32 } from './page-layout.ts';
import { branchCellSize, cellAt, cellCount, cellSize, isLeaf, reserveCell, SLOT, USABLE, usedBytes, writeBranchCell } from './node-page.ts';

/** A cell's bytes; its key starts after a 2-byte length. */
const cellKey = (cell: Uint8Array): Uint8Array => cell.subarray(2, 2 + u16(cell, 0));

/**
 * Splits the writable node `left`, with `cell` going in at slot `index`, into `left` and the
 * fresh empty node `right` of the same type. Returns the separator the parent needs, for the
 * child `right`: every key left of it is smaller, every key right of it is at least it.
 */
export function splitNode(left: Uint8Array, right: Uint8Array, index: number, cell: Uint8Array, append: boolean): Uint8Array {
  const source = left.slice(); // both pages are rebuilt, so read the cells from a copy
  const cells: Uint8Array[] = [];
  for (let i = 0, n = cellCount(source); i < n; i++) {
    const at = cellAt(source, i);
    cells.push(source.subarray(at, at + cellSize(source, at)));
  }
  cells.splice(index, 0, cell);
  const leaf = isLeaf(source);
  const m = splitPoint(cells, leaf, append);
  if (leaf) {
    refill(left, cells.slice(0, m), 0);
    refill(right, cells.slice(m), 0);
    return shortestSeparator(cellKey(cells[m - 1]!), cellKey(cells[m]!));
  }
  // A branch: cell m moves up. Its child becomes the right page's leftmost child.
  const up = cells[m]!;
  const upKey = cellKey(up);
  refill(left, cells.slice(0, m), pageLink(source));
  refill(right, cells.slice(m + 1), u32(up, 2 + upKey.length));
  return upKey.slice();
}

/** How many cells stay left (a leaf) or the index of the cell that moves up (a branch). */
function splitPoint(cells: readonly Uint8Array[], leaf: boolean, append: boolean): number {
  if (append) return leaf ? cells.length - 1 : cells.length - 2;
  let total = 0;
  for (const cell of cells) total += cell.length + SLOT;
  let left = 0;
  let m = 0;
  while (left + cells[m]!.length + SLOT <= total / 2) left += cells[m++]!.length + SLOT;
  return m;
}

/**
 * The shortest key s with below < s <= above: the common prefix and one more byte of `above`.
 * Short separators make branches hold more children, so the tree stays lower (suffix
 * truncation, from Bayer and Unterauer's prefix B-trees).
 */
export function shortestSeparator(below: Uint8Array, above: Uint8Array): Uint8Array {
  let p = 0;
  while (p < below.length && below[p] === above[p]) p++;
  return above.slice(0, p + 1);
}

/** Empties the node's body (keeping type, number and txn) and lays `cells` out in order. */
function refill(d: Uint8Array, cells: readonly Uint8Array[], link: number): void {
  setU16(d, H_COUNT, 0);
  setU16(d, H_START, PAGE_SIZE);
  setU16(d, H_GARBAGE, 0);
  setU32(d, H_LINK, link);
  for (let i = 0; i < cells.length; i++) d.set(cells[i]!, reserveCell(d, i, cells[i]!.length));
}

/**
 * Whether two sibling nodes fit in one page; for branches the separator between them comes
 * down as a cell too (it bounds the right node's leftmost child).
 */
export function canMerge(left: Uint8Array, right: Uint8Array, separator: Uint8Array): boolean {
  const extra = isLeaf(left) ? 0 : branchCellSize(separator.length) + SLOT;
  return usedBytes(left) + usedBytes(right) + extra <= USABLE;
}

/** Appends every cell of `right` to the writable node `left`; check canMerge first. */
export function mergeNodes(left: Uint8Array, right: Uint8Array, separator: Uint8Array): void {
  if (!isLeaf(left)) {
    const size = branchCellSize(separator.length);
    writeBranchCell(left, reserveCell(left, cellCount(left), size), separator, pageLink(right));
  }
  for (let i = 0, n = cellCount(right); i < n; i++) {
    const at = cellAt(right, i);
    const size = cellSize(right, at);
    left.set(right.subarray(at, at + size), reserveCell(left, cellCount(left), size));
  }
}

