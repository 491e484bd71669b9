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

export interface Replay {
  records: PlacedRecord[];
  /** Where the intact records end: the file is cut here when there is a torn tail. */
  validLength: number;
  /** Set when a torn tail was found: why the record at validLength is not intact. */
  tornTail?: string;
}

export function replayLog(bytes: Uint8Array, file: string, maxEntrySize: number): Replay {
  const records: PlacedRecord[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const record = readRecordAt(bytes, offset, maxEntrySize);
    if (typeof record === 'string') {
      const proof = laterProof(bytes, offset, maxEntrySize);
      if (proof !== undefined) {
        throw new KvError(
          'CORRUPT',
          `${file}: damaged record (${record}) at offset ${offset}; the intact record at offset ${proof.offset} ` +
            `shows the log had been synced to ${proof.syncedLength}, so this record was acknowledged — refusing to skip it`,
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
function laterProof(bytes: Uint8Array, bad: number, maxEntrySize: number): PlacedRecord | undefined {
  for (let offset = bad + 1; offset + RECORD_HEADER <= bytes.length; offset++) {
    const record = readRecordAt(bytes, offset, maxEntrySize);
    if (typeof record !== 'string' && record.syncedLength > bad) return record;
  }
  return undefined;
}
