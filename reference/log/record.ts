// A log record: one put or delete, framed with its length and guarded by a CRC-32.
//
//   offset  size  field
//   0       4     CRC-32 of bytes 4 .. end of record
//   4       1     type: 1 = put, 2 = delete
//   5       8     synced length: how much of this log was durable when the record was written
//   13      4     key length
//   17      4     value length (0 for a delete)
//   21      …     key, then value
//
// The synced length is what lets recovery tell a torn tail from damage in the middle: a
// later, intact record that says "the log was durable up to here" proves that whatever
// before that point is broken had been acknowledged. See recover.ts.

import { crc32 } from '../core/crc32.ts';

export const RECORD_HEADER = 21;
export const PUT = 1;
export const DELETE = 2;

export interface LogRecord {
  type: typeof PUT | typeof DELETE;
  key: Uint8Array;
  value: Uint8Array;
  syncedLength: number;
}

/** A record that parsed and passed its checksum, and where it lies in the file. */
export interface PlacedRecord extends LogRecord {
  offset: number;
  /** Offset of the value's first byte: the index keeps this, and get reads from it. */
  valueOffset: number;
  end: number;
}

export function encodeRecord(record: LogRecord): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER + record.key.length + record.value.length);
  const view = new DataView(out.buffer);
  view.setUint8(4, record.type);
  view.setBigUint64(5, BigInt(record.syncedLength), true);
  view.setUint32(13, record.key.length, true);
  view.setUint32(17, record.value.length, true);
  out.set(record.key, RECORD_HEADER);
  out.set(record.value, RECORD_HEADER + record.key.length);
  view.setUint32(0, crc32(out.subarray(4)), true);
  return out;
}

/**
 * The record at `offset`, or the reason there is none: cut off by the end of the file, a
 * length that cannot be, an unknown type, or a checksum mismatch.
 */
export function readRecordAt(bytes: Uint8Array, offset: number, maxEntrySize: number): PlacedRecord | string {
  if (offset + RECORD_HEADER > bytes.length) return `a record header needs ${RECORD_HEADER} bytes, ${bytes.length - offset} left`;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, RECORD_HEADER);
  const type = view.getUint8(4);
  const keyLength = view.getUint32(13, true);
  const valueLength = view.getUint32(17, true);
  if (type !== PUT && type !== DELETE) return `unknown record type ${type}`;
  if (keyLength + valueLength > maxEntrySize) return `a record of ${keyLength + valueLength} bytes is larger than any the store writes`;
  const end = offset + RECORD_HEADER + keyLength + valueLength;
  if (end > bytes.length) return `a record of ${end - offset} bytes is cut off by the end of the file`;
  const stored = view.getUint32(0, true);
  const computed = crc32(bytes.subarray(offset + 4, end));
  if (stored !== computed) return 'checksum mismatch';
  const syncedLength = Number(view.getBigUint64(5, true));
  const keyStart = offset + RECORD_HEADER;
  return {
    type,
    key: bytes.subarray(keyStart, keyStart + keyLength),
    value: bytes.subarray(keyStart + keyLength, end),
    syncedLength,
    offset,
    valueOffset: keyStart + keyLength,
    end,
  };
}
