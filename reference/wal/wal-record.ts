// The write-ahead log's bytes: a segment header, then records, each one write (or the commit of
// a transaction's writes) with its sequence number, framed by lengths and guarded by a CRC-32.
//
//   segment header                          record
//   0   8  magic "DBKWAL01"                 0   4  CRC-32 of bytes 4 .. end of the record
//   8   8  first record's sequence number   4   1  type (below)
//   16  4  CRC-32 of bytes 0..16            5   8  sequence number
//                                           13  8  synced length of the segment when written
//                                           21  4  key length
//                                           25  4  value length (0 for a delete)
//                                           29  …  key, then value
//
// Types: 1 put, 2 delete — a write that stands alone; 3 put, 4 delete inside a transaction,
// whose records are appended together and closed by 5, its commit: recovery applies them only
// when it reads the commit record, so a crash never exposes half a transaction.
// The sequence number is the record's place in the store's history: one more than the record
// before it, across segments too, so a lost record or segment shows as a gap. The synced
// length proves damage in the middle apart from a torn tail (reference/log/recover.ts).

import { crc32 } from '../core/crc32.ts';

export const SEGMENT_HEADER = 20;
export const RECORD_HEADER = 29;
export const PUT = 1;
export const DELETE = 2;
export const TX_PUT = 3;
export const TX_DELETE = 4;
export const COMMIT = 5;

export type RecordType = typeof PUT | typeof DELETE | typeof TX_PUT | typeof TX_DELETE | typeof COMMIT;
const MAGIC = new TextEncoder().encode('DBKWAL01');

export interface WalRecord {
  type: RecordType;
  seq: number;
  key: Uint8Array;
  /** Empty for a delete and a commit. */
  value: Uint8Array;
  syncedLength: number;
}

export interface PlacedWalRecord extends WalRecord {
  offset: number;
  end: number;
}

export function encodeSegmentHeader(firstSeq: number): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setBigUint64(8, BigInt(firstSeq), true);
  view.setUint32(16, crc32(out.subarray(0, 16)), true);
  return out;
}

/** The first sequence number a segment's header promises, or why the header is not one. */
export function readSegmentHeader(bytes: Uint8Array): number | string {
  if (bytes.length < SEGMENT_HEADER) return `a segment header needs ${SEGMENT_HEADER} bytes, the file has ${bytes.length}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER);
  if (view.getUint32(16, true) !== crc32(bytes.subarray(0, 16))) return 'the segment header fails its checksum';
  if (!MAGIC.every((byte, i) => bytes[i] === byte)) return 'the file does not start with "DBKWAL01"';
  return Number(view.getBigUint64(8, true));
}

export function encodeWalRecord(record: WalRecord): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER + record.key.length + record.value.length);
  const view = new DataView(out.buffer);
  view.setUint8(4, record.type);
  view.setBigUint64(5, BigInt(record.seq), true);
  view.setBigUint64(13, BigInt(record.syncedLength), true);
  view.setUint32(21, record.key.length, true);
  view.setUint32(25, record.value.length, true);
  out.set(record.key, RECORD_HEADER);
  out.set(record.value, RECORD_HEADER + record.key.length);
  view.setUint32(0, crc32(out.subarray(4)), true);
  return out;
}

/** The record at `offset`, or why there is none: cut off, impossible lengths, unknown type, bad checksum. */
export function readWalRecordAt(bytes: Uint8Array, offset: number, maxEntrySize: number): PlacedWalRecord | string {
  if (offset + RECORD_HEADER > bytes.length) return `a record header needs ${RECORD_HEADER} bytes, ${bytes.length - offset} left`;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, RECORD_HEADER);
  const type = view.getUint8(4);
  const keyLength = view.getUint32(21, true);
  const valueLength = view.getUint32(25, true);
  if (type < PUT || type > COMMIT) return `unknown record type ${type}`;
  if (keyLength + valueLength > maxEntrySize) return `a record of ${keyLength + valueLength} bytes is larger than any the store writes`;
  const end = offset + RECORD_HEADER + keyLength + valueLength;
  if (end > bytes.length) return `a record of ${end - offset} bytes is cut off by the end of the file`;
  if (view.getUint32(0, true) !== crc32(bytes.subarray(offset + 4, end))) return 'checksum mismatch';
  const keyStart = offset + RECORD_HEADER;
  return {
    type: type as RecordType,
    seq: Number(view.getBigUint64(5, true)),
    syncedLength: Number(view.getBigUint64(13, true)),
    key: bytes.subarray(keyStart, keyStart + keyLength),
    value: bytes.subarray(keyStart + keyLength, end),
    offset,
    end,
  };
}
