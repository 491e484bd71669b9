// Replaying a log after a crash: every intact record in order, up to the first one that is
// not. What comes after that point is either a torn tail — writes that were in flight when
// the power went out, never acknowledged, safe to cut off — or damage to records that were
// acknowledged, which must be refused, not skipped.
//
// The two look alike byte for byte. What tells them apart is the synced length each record
// carries: if any intact record after the bad spot says the log was durable beyond it, the
// bad spot had been synced (acknowledged) before that record was even written — damage.
// Otherwise nothing after the bad spot was ever acknowledged, and it is a torn tail.
// (A bit flip inside the last synced batch, with nothing written after it, is the one case
// this cannot prove; it is treated as a tail. Checksums per record still keep it from loading.)

import { KvError } from '../core/errors.ts';
import { type PlacedRecord, RECORD_HEADER, readRecordAt } from './record.ts';

/** What a replay needs of a record: where it ends, and how much of the log was durable when it was written. */
export interface Framed {
  end: number;
  syncedLength: number;
}

/** Reads the record at an offset, or says why there is none there (cut short, bad checksum…). */
export type RecordReader<R extends Framed> = (bytes: Uint8Array, offset: number) => R | string;

export interface Replay<R extends Framed = PlacedRecord> {
  records: R[];
  /** Where the intact records end: the file is cut here when there is a torn tail. */
  validLength: number;
  /** Set when a torn tail was found: why the record at validLength is not intact. */
  tornTail?: string;
}

/** Stage 04's log: its records from offset 0. */
export function replayLog(bytes: Uint8Array, file: string, maxEntrySize: number): Replay {
  return replayRecords(bytes, file, 0, RECORD_HEADER, (data, offset) => readRecordAt(data, offset, maxEntrySize));
}

/**
 * Every intact record from `start`, in order, up to the first that is not; then either a torn
 * tail (returned) or proven damage (thrown, CORRUPT). `header` is the smallest record's size.
 * The write-ahead log of stage 06 replays its segments with this too, with its own records.
 */
export function replayRecords<R extends Framed>(bytes: Uint8Array, file: string, start: number, header: number, read: RecordReader<R>): Replay<R> {
  const records: R[] = [];
  let offset = start;
  while (offset < bytes.length) {
    const record = read(bytes, offset);
    if (typeof record === 'string') {
      const proof = laterProof(bytes, offset, header, read);
      if (proof !== undefined) {
        throw new KvError(
          'CORRUPT',
          `${file}: damaged record (${record}) at offset ${offset}; the intact record at offset ${proof.offset} ` +
            `shows the log had been synced to ${proof.record.syncedLength}, so this record was acknowledged — refusing to skip it`,
        );
      }
      return { records, validLength: offset, tornTail: record };
    }
    records.push(record);
    offset = record.end;
  }
  return { records, validLength: offset };
}

/** An intact record after `bad` written when the log was already durable beyond `bad`. */
function laterProof<R extends Framed>(bytes: Uint8Array, bad: number, header: number, read: RecordReader<R>): { offset: number; record: R } | undefined {
  for (let offset = bad + 1; offset + header <= bytes.length; offset++) {
    const record = read(bytes, offset);
    if (typeof record !== 'string' && record.syncedLength > bad) return { offset, record };
  }
  return undefined;
}
