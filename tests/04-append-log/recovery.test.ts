// Stage 04 recovery: a torn tail is cut off (and only the tail); damage to records that were
// acknowledged is refused with CORRUPT, naming the file and the offset, never skipped.

import { expectResolves, expectTrue, mismatch, rethrowStub } from '../../harness/assert.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage04 } from '../../stages/04-append-log/contract.ts';
import { b, contents, describeContents, logFile, open, overwrite, rule, simDisk } from './setup.ts';

/** Three acknowledged puts, each synced before the next (sync 'always'); returns the log's bytes. */
async function threeRecords(stage: Stage04, fs: SimFileSystem): Promise<{ log: string; bytes: Uint8Array; saved: string[] }> {
  const store = await open(stage, fs, { sync: 'always' });
  await store.put(b('first'), b('one'));
  await store.put(b('second'), b('two'));
  await store.put(b('third'), b('three'));
  const saved = await contents(store);
  await store.close();
  const log = await logFile(fs);
  return { log, bytes: await fs.readFile(log), saved };
}

async function reopen(stage: Stage04, fs: SimFileSystem, doing: string): Promise<string[]> {
  return expectResolves(async () => contents(await open(stage, fs)), doing, 'the store reopens, cutting off the torn tail');
}

rule('04-K01', 'a log cut short inside its last record reopens without that record', 'Torn tails', async (stage) => {
  const probe = simDisk();
  const { bytes, saved } = await threeRecords(stage, probe);
  const withTwo = await (async () => {
    const fs = simDisk();
    const store = await open(stage, fs, { sync: 'always' });
    await store.put(b('first'), b('one'));
    await store.put(b('second'), b('two'));
    return (await fs.readFile(await logFile(fs))).length;
  })();
  for (let length = withTwo; length < bytes.length; length++) {
    const fs = simDisk();
    const { log } = await threeRecords(stage, fs);
    await overwrite(fs, log, bytes.subarray(0, length));
    const doing = `three puts; then the log cut to ${length} of ${bytes.length} bytes (inside the third record), reopen`;
    const found = await reopen(stage, fs, doing);
    expectTrue(found.join() === saved.slice(0, 2).join(), doing, `expected: ${describeContents(saved.slice(0, 2))}\n  received: ${describeContents(found)}`);
  }
});

rule('04-K02', 'after cutting a torn tail, new writes follow the last good record and survive', 'Torn tails', async (stage) => {
  const fs = simDisk();
  const { log, bytes } = await threeRecords(stage, fs);
  const junk = new Uint8Array(bytes.length + 300);
  junk.set(bytes);
  junk.fill(0xab, bytes.length);
  await overwrite(fs, log, junk);
  const store = await open(stage, fs);
  await store.put(b('fourth'), b('four'));
  await store.close();
  const found = await reopen(stage, fs, 'a log with 300 bytes of junk after three records; reopen, put fourth, reopen');
  expectTrue(found.length === 4 && found.includes('"fourth"="four"'), 'the junk is cut off and the new record follows the third', `received: ${describeContents(found)}`);
});

rule('04-K03', 'a damaged record followed by later acknowledged records is refused with CORRUPT', 'Damage in the middle', async (stage) => {
  const probe = simDisk();
  const { bytes } = await threeRecords(stage, probe);
  const firstRecordEnd = Math.floor(bytes.length / 3); // the three records have nearly equal sizes
  for (let i = 0; i < firstRecordEnd; i++) {
    const fs = simDisk();
    const { log } = await threeRecords(stage, fs);
    const bad = bytes.slice();
    bad[i] = bad[i]! ^ 0x5a;
    await overwrite(fs, log, bad);
    const doing = `three puts, each acknowledged; then byte ${i} (in the first record) flipped; reopen`;
    let opened: string[] | undefined;
    try {
      opened = await contents(await open(stage, fs));
    } catch (error) {
      rethrowStub(error);
      const { code, message } = error as { code?: string; message?: string };
      expectTrue(code === 'CORRUPT', doing, `expected: an error with code CORRUPT\n  received: ${String(error)}`);
      expectTrue(String(message).includes(log.split('/').pop()!) && /offset \d+/.test(String(message)), doing, `the error must name the log file and the offset\n  received: ${String(message)}`);
      continue;
    }
    throw mismatch(doing, 'openStore rejects with CORRUPT (the second and third records were acknowledged after the first was synced: this is not a torn tail)', `it opened, holding ${describeContents(opened)}`);
  }
});

rule('04-K04', 'a log that is not a log at all is refused', 'Damage in the middle', async (stage) => {
  const fs = simDisk();
  const { log } = await threeRecords(stage, fs);
  const text = new TextEncoder().encode('this is a text file, not a log of records. '.repeat(20));
  const bytes = await fs.readFile(log);
  const mixed = new Uint8Array(bytes.length + text.length);
  mixed.set(text);
  mixed.set(bytes, text.length);
  await overwrite(fs, log, mixed);
  let outcome = 'opened';
  try {
    const found = await contents(await open(stage, fs));
    outcome = `opened, holding ${describeContents(found)}`;
  } catch (error) {
    rethrowStub(error);
    outcome = (error as { code?: string }).code ?? String(error);
  }
  expectTrue(outcome === 'CORRUPT', 'prefix a valid log with 860 bytes of text, reopen', `expected: CORRUPT (valid records follow the damage)\n  received: ${outcome}`);
});

rule('04-K05', 'damage in a compacted log is refused, not cut off as a tail', 'Damage in the middle', async (stage) => {
  const probe = simDisk();
  const store = await open(stage, probe);
  for (const key of ['a', 'b', 'c', 'd']) await store.put(b(key), b(`value of ${key}`));
  await store.compact();
  await store.close();
  const log = await logFile(probe);
  const bytes = await probe.readFile(log);
  for (const at of [0, 5, Math.floor(bytes.length / 2)]) {
    const fs = simDisk();
    const copy = await open(stage, fs);
    for (const key of ['a', 'b', 'c', 'd']) await copy.put(b(key), b(`value of ${key}`));
    await copy.compact();
    await copy.close();
    const bad = (await fs.readFile(await logFile(fs))).slice();
    bad[at] = bad[at]! ^ 0x01;
    await overwrite(fs, await logFile(fs), bad);
    const doing = `put a b c d, compact, close; flip byte ${at} of the compacted log (${bytes.length} bytes); reopen`;
    let outcome: string;
    try {
      outcome = `it opened, holding ${describeContents(await contents(await open(stage, fs)))}`;
    } catch (error) {
      rethrowStub(error);
      outcome = (error as { code?: string }).code ?? String(error);
    }
    expectTrue(outcome === 'CORRUPT', doing, `expected: CORRUPT (every record of a compacted log was durable before it was used)\n  received: ${outcome}`);
  }
});
