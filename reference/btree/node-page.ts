// A node of the tree — a leaf or a branch — kept as a slotted page: after the header, an array
// of 2-byte slots in key order, each the offset of a cell; the cells are packed from the end of
// the page downwards. Inserting a key shifts slots (2 bytes each), never cells, and keys and
// values of any length share one page without fixed-size entries.
//
//   ┌────────┬─────────────────────┬────────── free ──────────┬──────────────────────────┐
//   │ header │ slot0 slot1 … slotN │                          │ … cell1    cell0   cell2 │
//   └────────┴─────────────────────┴──────────────────────────┴──────────────────────────┘
//   0        28                    28 + 2n                    start                   4096
//
//   leaf cell     keyLen u16 | key | kind u8 | valueLen u32 | value (INLINE) or first page u32 (OVERFLOW)
//   branch cell   keyLen u16 | key | child u32
//
// Both kinds open with the key, so one comparison serves both. A branch with n cells has n + 1
// children: the header's link is child 0, for keys below cell 0's key; cell i's child holds the
// keys from cell i's key up to (not including) cell i+1's.
//
// Deleting a cell frees its slot at once and leaves its bytes as garbage (unless it is the
// lowest cell, whose bytes simply rejoin the free gap); an insert that needs the garbage back
// compacts the page first. Every function here works on the bytes and allocates nothing, since
// they run on every get and put.

import { H_COUNT, H_GARBAGE, H_LINK, H_START, HEADER, initPage, PAGE_SIZE, PageType, pageType, setU16, setU32, u16, u32 } from './page-layout.ts';

export const SLOT = 2;
/** Bytes of a node page for slots and cells. */
export const USABLE = PAGE_SIZE - HEADER;
/**
 * The largest cell, not counting its slot. A third of the body, so that a full page plus one
 * more cell always splits into two pages that fit (the argument is in node-split.ts).
 */
export const MAX_CELL = Math.floor(USABLE / 3) - SLOT;

/** How a leaf cell holds its value: in the cell, or in a chain of overflow pages. */
export const INLINE = 0;
export const OVERFLOW = 1;

const LEAF_FIXED = 2 + 1 + 4; // keyLen, kind, valueLen
const BRANCH_FIXED = 2 + 4; // keyLen, child
/**
 * The longest key a cell can hold: a leaf cell whose value lives in overflow pages. (So any
 * value of up to 4 bytes fits inline, beside any key, and an overflow chain is never empty.)
 */
export const MAX_KEY_SIZE = MAX_CELL - LEAF_FIXED - 4;

export function initNode(d: Uint8Array, type: number, pageNo: number, txn: number): void {
  initPage(d, type, pageNo, txn);
  setU16(d, H_START, PAGE_SIZE);
}

export const isLeaf = (d: Uint8Array): boolean => pageType(d) === PageType.LEAF;
export const cellCount = (d: Uint8Array): number => u16(d, H_COUNT);
/** The offset of the i-th cell in key order. */
export const cellAt = (d: Uint8Array, i: number): number => u16(d, HEADER + SLOT * i);
export const keyLength = (d: Uint8Array, cell: number): number => u16(d, cell);

/** The i-th key, as a view into the page: copy it if it must outlive a change to the page. */
export function keyAt(d: Uint8Array, i: number): Uint8Array {
  const cell = cellAt(d, i);
  return d.subarray(cell + 2, cell + 2 + u16(d, cell));
}

/** Compares the key of the cell at `cell` with `key`, bytewise as compareBytes does. */
export function compareKey(d: Uint8Array, cell: number, key: Uint8Array): number {
  const length = u16(d, cell);
  const start = cell + 2;
  const n = length < key.length ? length : key.length;
  for (let i = 0; i < n; i++) {
    const x = d[start + i]!;
    const y = key[i]!;
    if (x !== y) return x - y;
  }
  return length - key.length;
}

/** Binary search: the index of `key`, or ~(where it would go) when absent — always < 0 then. */
export function findKey(d: Uint8Array, key: Uint8Array): number {
  let lo = 0;
  let hi = cellCount(d);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKey(d, cellAt(d, mid), key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid;
    else return mid;
  }
  return ~lo;
}

/** In a branch, which child covers `key`: the number of cell keys <= key. */
export function childIndex(d: Uint8Array, key: Uint8Array): number {
  let lo = 0;
  let hi = cellCount(d);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKey(d, cellAt(d, mid), key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function childAt(d: Uint8Array, j: number): number {
  if (j === 0) return u32(d, H_LINK);
  const cell = cellAt(d, j - 1);
  return u32(d, cell + 2 + u16(d, cell));
}

export function setChildAt(d: Uint8Array, j: number, pageNo: number): void {
  if (j === 0) return setU32(d, H_LINK, pageNo);
  const cell = cellAt(d, j - 1);
  setU32(d, cell + 2 + u16(d, cell), pageNo);
}

// ---- leaf cells ----

export const valueKind = (d: Uint8Array, cell: number): number => d[cell + 2 + u16(d, cell)]!;
export const valueLength = (d: Uint8Array, cell: number): number => u32(d, cell + 3 + u16(d, cell));
/** Where the value's bytes (INLINE) or its first overflow page number (OVERFLOW) start. */
export const valueStart = (d: Uint8Array, cell: number): number => cell + LEAF_FIXED + u16(d, cell);

/** Whether a value this long is kept in its leaf cell, next to a key this long. */
export const fitsInline = (keyLen: number, valueLen: number): boolean => LEAF_FIXED + keyLen + valueLen <= MAX_CELL;

export function leafCellSize(keyLen: number, kind: number, valueLen: number): number {
  return LEAF_FIXED + keyLen + (kind === INLINE ? valueLen : 4);
}

export function writeInlineCell(t: Uint8Array, at: number, key: Uint8Array, value: Uint8Array): void {
  setU16(t, at, key.length);
  t.set(key, at + 2);
  const p = at + 2 + key.length;
  t[p] = INLINE;
  setU32(t, p + 1, value.length);
  t.set(value, p + 5);
}

export function writeOverflowCell(t: Uint8Array, at: number, key: Uint8Array, valueLen: number, firstPage: number): void {
  setU16(t, at, key.length);
  t.set(key, at + 2);
  const p = at + 2 + key.length;
  t[p] = OVERFLOW;
  setU32(t, p + 1, valueLen);
  setU32(t, p + 5, firstPage);
}

// ---- branch cells ----

export const branchCellSize = (keyLen: number): number => BRANCH_FIXED + keyLen;

export function writeBranchCell(t: Uint8Array, at: number, key: Uint8Array, child: number): void {
  setU16(t, at, key.length);
  t.set(key, at + 2);
  setU32(t, at + 2 + key.length, child);
}

// ---- space ----

/** The size of the cell at offset `cell`, for either kind of node. */
export function cellSize(d: Uint8Array, cell: number): number {
  const keyLen = u16(d, cell);
  if (!isLeaf(d)) return BRANCH_FIXED + keyLen;
  return leafCellSize(keyLen, d[cell + 2 + keyLen]!, u32(d, cell + 3 + keyLen));
}

/** Bytes taken by slots and live cells: what a merge would have to move. */
export function usedBytes(d: Uint8Array): number {
  return SLOT * cellCount(d) + (PAGE_SIZE - u16(d, H_START) - u16(d, H_GARBAGE));
}

/**
 * Makes room for a cell of `size` bytes at slot `index` and returns its offset, for the caller
 * to write the cell there; -1 when the page cannot hold it even compacted (time to split).
 */
export function reserveCell(d: Uint8Array, index: number, size: number): number {
  const n = cellCount(d);
  const slotsEnd = HEADER + SLOT * (n + 1);
  let start = u16(d, H_START);
  if (start - slotsEnd < size) {
    if (start - slotsEnd + u16(d, H_GARBAGE) < size) return -1;
    compact(d);
    start = u16(d, H_START);
  }
  start -= size;
  setU16(d, H_START, start);
  const at = HEADER + SLOT * index;
  d.copyWithin(at + SLOT, at, HEADER + SLOT * n);
  setU16(d, at, start);
  setU16(d, H_COUNT, n + 1);
  return start;
}

export function removeCell(d: Uint8Array, index: number): void {
  const n = cellCount(d);
  const cell = cellAt(d, index);
  const size = cellSize(d, cell);
  if (cell === u16(d, H_START)) setU16(d, H_START, cell + size);
  else setU16(d, H_GARBAGE, u16(d, H_GARBAGE) + size);
  const at = HEADER + SLOT * index;
  d.copyWithin(at, at + SLOT, HEADER + SLOT * n);
  setU16(d, H_COUNT, n - 1);
}

/** Compaction is synchronous, so one scratch page serves every call. */
const scratch = new Uint8Array(PAGE_SIZE);

/** Packs the live cells against the end of the page, turning garbage back into free space. */
export function compact(d: Uint8Array): void {
  scratch.set(d);
  let end = PAGE_SIZE;
  for (let i = 0, n = cellCount(d); i < n; i++) {
    const cell = cellAt(scratch, i);
    const size = cellSize(scratch, cell);
    end -= size;
    d.set(scratch.subarray(cell, cell + size), end);
    setU16(d, HEADER + SLOT * i, end);
  }
  setU16(d, H_START, end);
  setU16(d, H_GARBAGE, 0);
}
