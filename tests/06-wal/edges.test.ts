// Stage 06 edge cases found by a review of the reference and a learner's dry run: idle
// checkpoints cut by a power cut, a second close(), a reopen with smaller limits, and damage
// that only sequence numbers or a later synced record can prove.

import { expectErrorCode, expectSame, mismatch, rethrowStub } from '../../harness/assert.ts';
import { atEveryStep, describePoint } from '../../harness/crash-points.ts';
import { b, contents, DIR, expectCorrupt, open, overwrite, reopen, rule, simDisk, text, walFiles } from './setup.ts';

rule('06-C03', 'checkpoints with nothing new to flush, cut by a power cut at any step, never make the store refuse to open', 'Checkpoints', async (stage) => {
  await atEveryStep(
    async (fs) => {
      const store = await open(stage, fs, { sync: 'commit' });
      await store.put(b('first'), b('1'));
      return {
        mark: fs.mutatingOps,
        workload: async () => {
          for (let i = 0; i < 3; i++) await store.checkpoint();
          await store.put(b('last'), b('2'));
        },
      };
    },
    async (fs, point) => {
      const doing = `put first, then checkpoint() three times and put last — ${describePoint(point)}, reopen`;
      const found = await contents(await reopen(stage, fs, doing, { sync: 'commit' }));
      if (!found.includes('"first"="1"')) throw mismatch(doing, '"first" (its put was acknowledged before the checkpoints)', found.join(' ') || '(empty)');
    },
    ['durable', 'torn'],
  );
});

rule('06-E07', 'a second close() waits for the first: once either resolves, the log is durable', 'Durability', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'window', syncWindowMs: 1000 });
  await store.put(b('x'), b('1'));
  const first = store.close();
  await store.close();
  fs.recover('durable'); // the power goes out as soon as the second close() has resolved
  await first.catch(() => undefined);
  const reopened = await reopen(stage, fs, "sync 'window', put x, close() twice, power cut once the second resolved, reopen");
  expectSame(text(await reopened.get(b('x'))), '1', "sync 'window' (1 s), put x 1, close() and close() again; a power cut once the second has resolved; get x");
});

rule('06-K02', 'a reopen with smaller limits than the log was written with refuses to open, and loses nothing', 'Recovery', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'commit' });
  await store.put(b('big'), b('v'.repeat(900)));
  fs.recover('durable');
  await expectErrorCode(() => open(stage, fs, { limits: { maxKeySize: 10, maxValueSize: 100 } }), 'INVALID_ARGUMENT', 'put a 900-byte value, power cut, reopen with maxValueSize 100');
  let value: Uint8Array | undefined;
  try {
    value = await (await open(stage, fs)).get(b('big'));
  } catch (error) {
    rethrowStub(error);
    throw mismatch('then reopen with the default limits', 'the store opens', String(error));
  }
  expectSame(value?.length, 900, 'put a 900-byte value, power cut, a refused reopen with smaller limits, reopen with the default limits, get big (its length)');
});

rule('06-K03', 'damage that only the sequence numbers or a later synced record can prove is refused, not cut off', 'Recovery', async (stage) => {
  // 1. A header damaged in the last segment, with synced records behind it: they were acknowledged.
  {
    const fs = simDisk();
    const store = await open(stage, fs, { sync: 'commit' });
    for (let i = 0; i < 20; i++) await store.put(b(`k${i}`), b(`v${i}`));
    const log = (await walFiles(store)).at(-1)!.name;
    fs.recover('durable');
    const bytes = (await fs.readFile(`${DIR}/${log}`)).slice();
    bytes[2]! ^= 0xff;
    await overwrite(fs, `${DIR}/${log}`, bytes);
    await expectCorrupt(stage, fs, log, `20 puts, each awaited with sync 'commit', power cut; a byte of ${log}'s first 8 flipped (the records after it are intact and synced); reopen`);
  }
  // 2. An interrupted checkpoint's old segment missing its last record whole: no torn bytes to
  //    see, only the gap between its last sequence number and the next segment's first.
  {
    const fs = simDisk();
    const store = await open(stage, fs, { sync: 'commit' });
    const sizes: number[] = [];
    for (let i = 0; i < 20; i++) {
      await store.put(b(`k${i}`), b(`v${i}`));
      sizes.push((await walFiles(store)).at(-1)!.bytes);
    }
    const old = (await walFiles(store)).at(-1)!.name;
    const saved = await fs.readFile(`${DIR}/${old}`);
    await store.checkpoint();
    for (let i = 20; i < 30; i++) await store.put(b(`k${i}`), b(`v${i}`));
    fs.recover('durable');
    await overwrite(fs, `${DIR}/${old}`, saved.subarray(0, sizes[18]!));
    await expectCorrupt(stage, fs, old, `20 puts, checkpoint(), 10 puts, each awaited with sync 'commit', power cut; ${old} put back as an interrupted checkpoint leaves it, less its last record (bytes ${sizes[18]}..${sizes[19]}); reopen`);
  }
});
