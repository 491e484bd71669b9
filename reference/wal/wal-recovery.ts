// Opening the write-ahead log: replays the durable records of every segment, in order, into
// the index, and finds the torn tail (cut off) or proves damage (refused, CORRUPT).
//
//   000007.wal  [hdr seq 41][41][42][43]         whole: a later segment exists
//   000008.wal  [hdr seq 44][44][45][4?? torn     the last one: its tail is cut off
//
// What may be torn is only what was never acknowledged: the tail of the *last* segment, or a
// segment whose header never became durable. Anything else that is missing — a record in the
// middle of a segment, a segment that ends early while a later one holds synced records, a
// gap in the sequence numbers — was acknowledged, so it is refused rather than skipped.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { KvError } from '../core/errors.ts';
import { replayRecords } from '../log/recover.ts';
import { segmentName, segmentNumbers } from './segment.ts';
import { COMMIT, type PlacedWalRecord, RECORD_HEADER, readSegmentHeader, readWalRecordAt, SEGMENT_HEADER, TX_DELETE, TX_PUT } from './wal-record.ts';

interface ReadSegment {
  number: number;
  file: string;
  firstSeq: number;
  records: PlacedWalRecord[];
  validLength: number;
  tornTail?: string;
}

export interface RecoveredLog {
  /** The segment to append to, and where; undefined when no segment is left. */
  live: { number: number; validLength: number } | undefined;
  /** The whole segments before it (a checkpoint was cut short): the next checkpoint deletes them. */
  earlier: { number: number; bytes: number }[];
  /** The sequence number the next record gets. */
  nextSeq: number;
  /** The highest segment number seen, kept or not: new segments are numbered after it. */
  lastNumber: number;
}

/** Replays the log in `dir` through `apply`, repairs its torn tail, and says where to go on. */
export async function recoverLog(fs: FileSystem, dir: string, maxEntrySize: number, apply: (record: PlacedWalRecord) => Promise<void>): Promise<RecoveredLog> {
  const numbers = segmentNumbers(await fs.readdir(dir));
  const lastNumber = numbers.at(-1) ?? 0;
  let nextSeq = 1;
  let live: RecoveredLog['live'];
  const kept: { number: number; bytes: number }[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const isLast = i === numbers.length - 1;
    const segment = await readSegment(fs, dir, numbers[i]!, maxEntrySize, isLast);
    if (segment === undefined) {
      await removeSegments(fs, dir, numbers.slice(i)); // a header that never became durable: never used
      break;
    }
    if (i > 0 && segment.firstSeq !== nextSeq) {
      if (segment.firstSeq < nextSeq) throw corrupt(segment.file, 0, `starts at sequence number ${segment.firstSeq}, but the segment before it reached ${nextSeq - 1}`);
      // The segment before ended early: its lost records are a torn tail only if nothing after was synced.
      await cutOffAfter(fs, dir, maxEntrySize, numbers, i, live!, `records ${nextSeq}..${segment.firstSeq - 1} are missing from ${segmentName(numbers[i - 1]!)}`);
      break;
    }
    checkSequence(segment);
    const complete = closeTransactions(segment);
    const endsHere = segment.tornTail !== undefined && !isLast;
    if (endsHere) await cutOffAfter(fs, dir, maxEntrySize, numbers, i + 1, segment, `${segment.tornTail} at offset ${segment.validLength}`);
    // Durable before a single record is applied: after a kill -9 these bytes may sit only in the
    // page cache, and the index may write state of its own while the log replays.
    await makeDurable(fs, segment.file, segment.validLength);
    await applyCommitted(segment.records, apply);
    nextSeq = segment.firstSeq + complete;
    live = { number: segment.number, validLength: segment.validLength };
    kept.push({ number: segment.number, bytes: segment.validLength });
    if (endsHere) break;
  }
  return { live, earlier: kept.filter((s) => s.number !== live?.number), nextSeq, lastNumber };
}

/** A segment's header and intact records; undefined for a last segment whose header is not whole. */
async function readSegment(fs: FileSystem, dir: string, number: number, maxEntrySize: number, isLast: boolean): Promise<ReadSegment | undefined> {
  const file = path.join(dir, segmentName(number));
  const bytes = await fs.readFile(file);
  const read = (data: Uint8Array, offset: number) => readWalRecordAt(data, offset, maxEntrySize);
  const firstSeq = readSegmentHeader(bytes);
  if (typeof firstSeq === 'string') {
    if (!isLast) throw corrupt(file, 0, `${firstSeq}, and a later segment exists`);
    // A header that never became durable is harmless: nothing after it was acknowledged. But a
    // synced record behind it proves the header had been synced first: then it is damage.
    const proof = replayRecords(bytes, file, SEGMENT_HEADER, RECORD_HEADER, read).records.find((record) => record.syncedLength >= SEGMENT_HEADER);
    if (proof !== undefined) throw corrupt(file, 0, `${firstSeq}, but the record at offset ${proof.offset} was written after it was synced — refusing to drop the segment`);
    return undefined;
  }
  const replay = replayRecords(bytes, file, SEGMENT_HEADER, RECORD_HEADER, read);
  return { number, file, firstSeq, records: replay.records, validLength: replay.validLength, tornTail: replay.tornTail };
}

/**
 * A transaction's records are appended in one write and closed by a COMMIT record. Records of
 * one that has no commit at the end of a segment were never acknowledged: they join the torn
 * tail (the file is cut before them; applyCommitted never applies them). A plain write between
 * a transaction's records and its commit cannot happen. Returns how many records stay.
 */
function closeTransactions(segment: ReadSegment): number {
  let open = -1; // index of the first record of the transaction being read
  segment.records.forEach((record, i) => {
    const inTransaction = record.type === TX_PUT || record.type === TX_DELETE;
    if (inTransaction && open === -1) open = i;
    else if (record.type === COMMIT) open = -1;
    else if (!inTransaction && open !== -1) throw corrupt(segment.file, record.offset, 'a write stands between the records of a transaction and its commit record');
  });
  if (open === -1) return segment.records.length;
  const first = segment.records[open]!;
  segment.validLength = first.offset;
  segment.tornTail = `a transaction's records without their commit record, from sequence number ${first.seq}`;
  return open;
}

/** Applies the writes of the records, a transaction's only when its commit record comes: one without it never is. */
async function applyCommitted(records: readonly PlacedWalRecord[], apply: (record: PlacedWalRecord) => Promise<void>): Promise<void> {
  let transaction: PlacedWalRecord[] = [];
  for (const record of records) {
    if (record.type === TX_PUT || record.type === TX_DELETE) transaction.push(record);
    else if (record.type === COMMIT) {
      for (const write of transaction) await apply(write);
      transaction = [];
    } else await apply(record);
  }
}

function checkSequence(segment: ReadSegment): void {
  segment.records.forEach((record, k) => {
    const expected = segment.firstSeq + k;
    if (record.seq !== expected) throw corrupt(segment.file, record.offset, `holds sequence number ${record.seq} where ${expected} belongs`);
  });
}

/**
 * The log ends early before segment `from`: a torn tail if no later segment holds a synced
 * record (a segment's fsync waits for all before it, so a synced record proves the gap had
 * been durable: damage). Then the later segments are removed and the log goes on from `live`.
 */
async function cutOffAfter(fs: FileSystem, dir: string, maxEntrySize: number, numbers: readonly number[], from: number, live: { validLength: number }, what: string): Promise<void> {
  for (const number of numbers.slice(from)) {
    const file = path.join(dir, segmentName(number));
    const replay = replayRecords(await fs.readFile(file), file, SEGMENT_HEADER, RECORD_HEADER, (data, offset) => readWalRecordAt(data, offset, maxEntrySize));
    const proof = replay.records.find((record) => record.syncedLength >= SEGMENT_HEADER);
    if (proof !== undefined) {
      throw corrupt(path.join(dir, segmentName(numbers[from - 1]!)), live.validLength, `${what}; the record at offset ${proof.offset} of ${file} was written after they were synced — refusing to skip them`);
    }
  }
  await removeSegments(fs, dir, numbers.slice(from));
}

async function removeSegments(fs: FileSystem, dir: string, numbers: readonly number[]): Promise<void> {
  for (const number of numbers) await fs.unlink(path.join(dir, segmentName(number)));
  if (numbers.length > 0) await fs.syncDir(dir);
}

/** Cuts a torn tail off and syncs what is left, so new records follow the last intact one. */
async function makeDurable(fs: FileSystem, file: string, length: number): Promise<void> {
  const handle = await fs.open(file, 'write');
  try {
    if ((await handle.size()) > length) await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function corrupt(file: string, offset: number, what: string): KvError {
  return new KvError('CORRUPT', `${file}: ${what} (at offset ${offset})`);
}
