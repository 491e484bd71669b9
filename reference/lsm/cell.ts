// What the LSM tree stores under a key: a value, or a tombstone that says "deleted". A
// tombstone must be kept — in the memtable and in every table — until no older table can
// hold the key, or the older value would come back.

export const TOMBSTONE = null;

/** A value, or TOMBSTONE for a delete. */
export type Cell = Uint8Array | typeof TOMBSTONE;

/** Bytes a cell costs in memory, roughly: what the memtable budget counts. */
export function cellBytes(key: Uint8Array, cell: Cell): number {
  return key.length + (cell === TOMBSTONE ? 0 : cell.length) + 48;
}
