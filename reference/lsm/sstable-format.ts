// The sorted table (SSTable) file: immutable once written, read a block at a time.
//
//   ┌──────────────┬──────────────┬─────┬─────────────┬──────────────┬──────────┐
//   │ data block 0 │ data block 1 │  …  │ index block │ bloom filter │  footer  │
//   └──────────────┴──────────────┴─────┴─────────────┴──────────────┴──────────┘
//
//   data block   entries: flags (1 = tombstone) u8 · key length u32 · value length u32 · key · value
//                then entry count u32 · CRC-32 of everything before it in the block
//   index block  per data block: last key length u32 · last key · offset u64 · length u32
//                then block count u32 · CRC-32
//   bloom        the filter's bytes · CRC-32
//   footer       index offset u64 · index length u32 · bloom offset u64 · bloom length u32 ·
//                entries u64 · table number u64 · level u32 · magic "DBKSST02" ·
//                CRC-32 of the 52 bytes before it   (56 bytes)
//
// Every part carries its own checksum, so a damaged block is caught when it is read and
// named by file and offset; the footer's magic says the file is a table at all. The footer
// also names the table — its number, and the level it was written for — so a file renamed or
// swapped with another is refused instead of answering for a key range it does not hold, and
// a lost manifest can be rebuilt from the tables themselves (repair.ts).

import { ByteReader, ByteWriter } from '../core/binary.ts';
import { crc32, hex32 } from '../core/crc32.ts';
import { KvError } from '../core/errors.ts';
import { Block } from './block.ts';
import { type Cell, TOMBSTONE } from './cell.ts';

export const FOOTER_BYTES = 56;
const MAGIC = new TextEncoder().encode('DBKSST02');

export interface IndexEntry {
  lastKey: Uint8Array;
  offset: number;
  length: number;
}

export interface Footer {
  indexOffset: number;
  indexLength: number;
  bloomOffset: number;
  bloomLength: number;
  entries: number;
  /** The table's number: its file is table-NNNNNN.sst. */
  number: number;
  /** The level it was written for: 0 by a flush, the level below its inputs by a compaction. */
  level: number;
}

/** Appends a CRC-32 of what the writer holds so far and returns the finished bytes. */
function sealed(out: ByteWriter): Uint8Array {
  out.u32(crc32(out.finish()));
  return out.finish();
}

/** Checks a part's trailing CRC-32; returns a reader over the bytes before it. */
function opened(bytes: Uint8Array, file: string, offset: number, what: string): ByteReader {
  if (bytes.length < 4) throw new KvError('CORRUPT', `${file}: ${what} is cut short at offset ${offset}`);
  const body = bytes.length - 4;
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body, 4).getUint32(0, true);
  const computed = crc32(bytes.subarray(0, body));
  if (stored !== computed) {
    throw new KvError('CORRUPT', `${file}: ${what} checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)}) at offset ${offset}`);
  }
  return new ByteReader(bytes, file, 0, body);
}

export function encodeBlock(keys: readonly Uint8Array[], cells: readonly Cell[]): Uint8Array {
  const out = new ByteWriter(4096 + 64);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const cell = cells[i]!;
    out.u8(cell === TOMBSTONE ? 1 : 0);
    out.u32(key.length);
    out.u32(cell === TOMBSTONE ? 0 : cell.length);
    out.bytes(key);
    if (cell !== TOMBSTONE) out.bytes(cell);
  }
  out.u32(keys.length);
  return sealed(out);
}

/** Checks a data block's checksum and indexes its entries (see block.ts). */
export function decodeBlock(bytes: Uint8Array, file: string, offset: number): Block {
  opened(bytes, file, offset, 'data block');
  const count = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true);
  return Block.index(bytes, count, bytes.length - 8, file, offset);
}

export function encodeIndex(entries: readonly IndexEntry[]): Uint8Array {
  const out = new ByteWriter(64 + entries.length * 32);
  for (const { lastKey, offset, length } of entries) {
    out.u32(lastKey.length);
    out.bytes(lastKey);
    out.u64(offset);
    out.u32(length);
  }
  out.u32(entries.length);
  return sealed(out);
}

export function decodeIndex(bytes: Uint8Array, file: string, offset: number): IndexEntry[] {
  const reader = opened(bytes, file, offset, 'index block');
  const count = new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 8, 4).getUint32(0, true);
  const entries: IndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const keyLength = reader.u32('index key length');
    const lastKey = reader.bytesView(keyLength, 'index key').slice();
    entries.push({ lastKey, offset: reader.u64('block offset'), length: reader.u32('block length') });
  }
  return entries;
}

export function encodeBloom(filter: Uint8Array): Uint8Array {
  const out = new ByteWriter(filter.length + 4);
  out.bytes(filter);
  return sealed(out);
}

export function decodeBloom(bytes: Uint8Array, file: string, offset: number): Uint8Array {
  const reader = opened(bytes, file, offset, 'bloom filter');
  return reader.bytesView(reader.remaining, 'bloom filter').slice();
}

export function encodeFooter(footer: Footer): Uint8Array {
  const out = new ByteWriter(FOOTER_BYTES);
  out.u64(footer.indexOffset);
  out.u32(footer.indexLength);
  out.u64(footer.bloomOffset);
  out.u32(footer.bloomLength);
  out.u64(footer.entries);
  out.u64(footer.number);
  out.u32(footer.level);
  out.bytes(MAGIC);
  return sealed(out);
}

const FORMAT_1_MAGIC = new TextEncoder().encode('DBKSST01');

export function decodeFooter(bytes: Uint8Array, file: string, offset: number): Footer {
  if (bytes.length !== FOOTER_BYTES) throw new KvError('CORRUPT', `${file}: too short to be a table (no footer) at offset ${offset}`);
  // Format 1's 44-byte footer ended with its magic and a checksum: say so, rather than "damaged".
  if (FORMAT_1_MAGIC.every((byte, i) => bytes[FOOTER_BYTES - 12 + i] === byte)) {
    throw new KvError('CORRUPT', `${file}: a table of format 1 (DBKSST01), written by an older dbkata; this one reads format 2, whose footer names the table (at offset ${offset})`);
  }
  const reader = opened(bytes, file, offset, 'footer');
  const footer = {
    indexOffset: reader.u64('index offset'),
    indexLength: reader.u32('index length'),
    bloomOffset: reader.u64('bloom offset'),
    bloomLength: reader.u32('bloom length'),
    entries: reader.u64('entry count'),
    number: reader.u64('table number'),
    level: reader.u32('level'),
  };
  const magic = reader.bytesView(MAGIC.length, 'magic');
  if (!magic.every((byte, i) => byte === MAGIC[i])) throw new KvError('CORRUPT', `${file}: not a dbkata table (bad magic) at offset ${offset + 44}`);
  return footer;
}
