// The page file's layout, stated once: fixed 4096-byte pages, every one opening with the same
// header, sealed with a CRC-32 when written and checked when read. The other files of the
// B+tree read and write page bytes only through the offsets and helpers here.
//
//   btree.db:  [meta 0][meta 1][meta 2][meta 3][page 4] … [page N-1]   (page p starts at p × 4096)
//              (meta.ts: two slots, each record kept twice, in pages s and s + 2)
//
//   offset  size  every page's header
//   0       4     CRC-32 of bytes 4‥4095: a torn or rotten page fails it
//   4       1     type: META, LEAF, BRANCH, OVERFLOW or FREELIST
//   5       1     reserved, 0
//   6       2     count: cells in a node, page numbers in a free-list page
//   8       4     the page's own number: a page written to, or read from, the wrong place is caught
//   12      8     txn: the commit the page was written for (copy-on-write asks it; see pager.ts)
//   20      4     link: a branch's leftmost child; the next page of an overflow chain or free list
//   24      2     a node's cell-area start; an overflow page's byte count
//   26      2     a node's garbage: bytes of deleted cells not yet compacted away
//   28            the body: slots and cells (nodes), page numbers (free list), value bytes (overflow)
//
// Little-endian integers are read and written by hand, not through a DataView: a page is a
// plain Uint8Array, and these tiny functions inline into the hot search loops.

import { crc32 } from '../core/crc32.ts';
import { KvError } from '../core/errors.ts';

export const PAGE_SIZE = 4096;

export const PageType = { META: 1, LEAF: 2, BRANCH: 3, OVERFLOW: 4, FREELIST: 5 } as const;
const TYPE_NAMES = ['?', 'meta', 'leaf', 'branch', 'overflow', 'free-list'];

export const H_CRC = 0;
export const H_TYPE = 4;
export const H_COUNT = 6;
export const H_PAGE_NO = 8;
export const H_TXN = 12;
export const H_LINK = 20;
export const H_START = 24;
export const H_GARBAGE = 26;
/** Bytes of header; the body follows. */
export const HEADER = 28;

/** Pages 0‥3 hold the meta records (meta.ts); the tree, free list and overflow pages start here. */
export const META_PAGES = 4;

/** "No page": page 0 is a meta page, so no link ever points to it. */
export const NO_PAGE = 0;

export function u16(d: Uint8Array, at: number): number {
  return d[at]! | (d[at + 1]! << 8);
}

export function setU16(d: Uint8Array, at: number, value: number): void {
  d[at] = value;
  d[at + 1] = value >>> 8;
}

export function u32(d: Uint8Array, at: number): number {
  // The top byte is multiplied in, not shifted: `<< 24` would make it a negative int32.
  return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16)) + d[at + 3]! * 0x1000000;
}

export function setU32(d: Uint8Array, at: number, value: number): void {
  d[at] = value;
  d[at + 1] = value >>> 8;
  d[at + 2] = value >>> 16;
  d[at + 3] = value >>> 24;
}

/** Whole numbers up to 2^53 in 8 bytes: transaction numbers and key counts. */
export function u64(d: Uint8Array, at: number): number {
  return u32(d, at) + u32(d, at + 4) * 0x100000000;
}

export function setU64(d: Uint8Array, at: number, value: number): void {
  setU32(d, at, value % 0x100000000);
  setU32(d, at + 4, Math.floor(value / 0x100000000));
}

export const pageType = (d: Uint8Array): number => d[H_TYPE]!;
export const pageTxn = (d: Uint8Array): number => u64(d, H_TXN);
export const pageLink = (d: Uint8Array): number => u32(d, H_LINK);

export function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `unknown type ${type}`;
}

/** Clears a page and writes the header fields every page type has. */
export function initPage(d: Uint8Array, type: number, pageNo: number, txn: number): void {
  d.fill(0);
  d[H_TYPE] = type;
  setU32(d, H_PAGE_NO, pageNo);
  setU64(d, H_TXN, txn);
}

/** Stamps the checksum: called just before a page goes to the file, never while it changes. */
export function sealPage(d: Uint8Array): void {
  setU32(d, H_CRC, crc32(d.subarray(4, PAGE_SIZE)));
}

export function corruptPage(file: string, pageNo: number, problem: string): KvError {
  return new KvError('CORRUPT', `${file}: page ${pageNo} ${problem} at offset ${pageNo * PAGE_SIZE}`);
}

/**
 * Checks a page read from the file: whole, its checksum, its own number, and (when given) its
 * type. Throws CORRUPT naming the file, the page and its offset.
 */
export function checkPage(d: Uint8Array, file: string, pageNo: number, type?: number): void {
  if (d.length < PAGE_SIZE) throw corruptPage(file, pageNo, `is cut short (${d.length} of ${PAGE_SIZE} bytes)`);
  if (u32(d, H_CRC) !== crc32(d.subarray(4, PAGE_SIZE))) throw corruptPage(file, pageNo, 'checksum mismatch');
  const claims = u32(d, H_PAGE_NO);
  if (claims !== pageNo) throw corruptPage(file, pageNo, `holds page ${claims} (a misplaced write)`);
  if (type !== undefined && pageType(d) !== type) {
    throw corruptPage(file, pageNo, `is a ${typeName(pageType(d))} page where a ${typeName(type)} page belongs`);
  }
}
