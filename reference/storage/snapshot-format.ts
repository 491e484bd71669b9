// The snapshot file: the whole store, written in key order, checked by a CRC-32 at the end.
//
//   offset  size  field
//   0       8     magic "DBKSNAP\n"
//   8       4     format version (1), little-endian
//   12      4     entry count
//   16      …     entries, ascending by key: key length (4), value length (4), key, value
//   end-4   4     CRC-32 of every byte before it
//
// The checksum is checked first, so any flipped byte or cut-off file is caught before a
// single length field is trusted; the structural checks after it catch a writer's bugs.

import type { Entry } from '../../stages/02-ordered-map/contract.ts';
import { ByteReader, ByteWriter } from '../core/binary.ts';
import { compareBytes } from '../core/bytes.ts';
import { crc32, hex32 } from '../core/crc32.ts';
import { KvError } from '../core/errors.ts';

const MAGIC = new TextEncoder().encode('DBKSNAP\n');
export const SNAPSHOT_VERSION = 1;
const HEADER = 16;
const CHECKSUM = 4;

export function encodeSnapshot(entries: Iterable<Entry>): Uint8Array {
  const out = new ByteWriter(4096);
  out.bytes(MAGIC);
  out.u32(SNAPSHOT_VERSION);
  out.u32(0); // entry count, patched below
  let count = 0;
  for (const { key, value } of entries) {
    out.u32(key.length);
    out.u32(value.length);
    out.bytes(key);
    out.bytes(value);
    count++;
  }
  out.patchU32(12, count);
  out.u32(crc32(out.finish()));
  return out.finish();
}

/** Decodes a snapshot, or throws CORRUPT naming `file` and the offset where it went wrong. */
export function decodeSnapshot(bytes: Uint8Array, file: string): Entry[] {
  if (bytes.length < HEADER + CHECKSUM) {
    throw new KvError('CORRUPT', `${file}: truncated: ${bytes.length} bytes, a snapshot has at least ${HEADER + CHECKSUM} at offset ${bytes.length}`);
  }
  const bodyEnd = bytes.length - CHECKSUM;
  const reader = new ByteReader(bytes, file, 0, bodyEnd);
  if (compareBytes(reader.bytesView(MAGIC.length, 'magic'), MAGIC) !== 0) throw reader.corrupt('not a dbkata snapshot (bad magic)', 0);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + bodyEnd, CHECKSUM).getUint32(0, true);
  const computed = crc32(bytes.subarray(0, bodyEnd));
  if (stored !== computed) {
    throw reader.corrupt(`checksum mismatch: stored ${hex32(stored)}, computed ${hex32(computed)} (the file is damaged or was cut short)`, bodyEnd);
  }
  const version = reader.u32('version');
  if (version !== SNAPSHOT_VERSION) throw reader.corrupt(`format version ${version} is not supported (this engine reads ${SNAPSHOT_VERSION})`, 8);
  const count = reader.u32('entry count');
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const at = reader.offset;
    const keyLength = reader.u32(`entry ${i} key length`);
    const valueLength = reader.u32(`entry ${i} value length`);
    const key = reader.bytesView(keyLength, `entry ${i} key`).slice();
    const value = reader.bytesView(valueLength, `entry ${i} value`).slice();
    const previous = entries[entries.length - 1];
    if (previous !== undefined && compareBytes(previous.key, key) >= 0) throw reader.corrupt(`entry ${i} is out of key order`, at);
    entries.push({ key, value });
  }
  if (reader.remaining !== 0) throw reader.corrupt(`${reader.remaining} unexpected bytes after entry ${count - 1}`);
  return entries;
}
