// The reference's write-ahead log recovery, on hand-made segments: what proves that a record was
// acknowledged. A record carries the segment's synced length when it was written; a segment's
// first fsync (of its header) waits for every segment before it. So a record whose synced
// length covers its segment's header — exactly the header, when it is the first write after
// that fsync — proves the segments before it were durable: damage in them is refused, never cut
// off as a torn tail. (Found by review: the proof once needed the synced length to pass the
// header, so one acknowledged put after a checkpoint let a damaged older segment be cut.)

import { expect, test } from 'vitest';
import { recoverLog } from '../../reference/wal/wal-recovery.ts';
import { encodeSegmentHeader, encodeWalRecord, PUT, SEGMENT_HEADER } from '../../reference/wal/wal-record.ts';
import { segmentName } from '../../reference/wal/segment.ts';
import { b, DIR, overwrite, simDisk } from '../suite-helpers.ts';

const put = (seq: number, syncedLength: number) => encodeWalRecord({ type: PUT, seq, key: b(`k${seq}`), value: b(`v${seq}`), syncedLength });

function segment(firstSeq: number, records: Uint8Array[]): Uint8Array {
  return Buffer.concat([encodeSegmentHeader(firstSeq), ...records]);
}

async function disk(segments: Uint8Array[]) {
  const fs = simDisk();
  await fs.mkdir(DIR);
  for (const [i, bytes] of segments.entries()) await overwrite(fs, `${DIR}/${segmentName(i + 1)}`, bytes);
  return fs;
}

test('a damaged older segment is refused when the next holds one record written right after its header was synced', async () => {
  const older = segment(1, [put(1, 0), put(2, SEGMENT_HEADER + 50)]);
  older[older.length - 3]! ^= 0xff; // the tail of record 2: acknowledged, since segment 2 exists
  const fs = await disk([older, segment(3, [put(3, SEGMENT_HEADER)])]);
  await expect(recoverLog(fs, DIR, 1 << 20, async () => {})).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('000001.wal') });
});

test('a last segment whose header is damaged is refused when a record proves the header had been synced', async () => {
  const last = segment(3, [put(3, SEGMENT_HEADER)]);
  last[9]! ^= 0x01; // the header's first sequence number: its checksum fails
  const fs = await disk([segment(1, [put(1, 0), put(2, 0)]), last]);
  await expect(recoverLog(fs, DIR, 1 << 20, async () => {})).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('000002.wal') });
});

test('records written before the header was synced prove nothing: a torn tail is cut, the rest replayed', async () => {
  const older = segment(1, [put(1, 0), put(2, 0)]);
  const torn = older.subarray(0, older.length - 3); // record 2 cut short: never acknowledged
  const applied: number[] = [];
  const fs = await disk([torn]);
  const recovered = await recoverLog(fs, DIR, 1 << 20, async (record) => {
    applied.push(record.seq);
  });
  expect(applied).toEqual([1]);
  expect(recovered.nextSeq).toBe(2);
});
