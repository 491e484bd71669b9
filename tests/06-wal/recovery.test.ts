// Stage 06 recovery of a damaged log: a torn tail (writes in flight at a power cut, cut short or
// garbled) is cut off and writing goes on after it; damage to a record that later synced records
// vouch for is refused with CORRUPT, naming the file and the offset.

import { expectTrue, failure, mismatch } from '../../harness/assert.ts';
import { describeStep } from '../../harness/crash-points.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage06 } from '../../stages/06-wal/contract.ts';
import { b, contents, describeDifference, DIR, expectCorrupt, History, open, overwrite, powerCut, reopen, rule, simDisk, walFiles } from './setup.ts';

async function puts(store: { put(k: Uint8Array, v: Uint8Array): Promise<void> }, history: History, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    const key = `key:${String(i % 23).padStart(2, '0')}`;
    const value = `value ${i}`.padEnd(60 + (i % 50), '.');
    await store.put(b(key), b(value));
    history.put(key, value);
  }
}

/** After a crash: reopen, find a state at or after the last durable one, then check that writing goes on after the cut tail. */
async function recoversAndGoesOn(stage: Stage06, fs: SimFileSystem, history: History, doing: string): Promise<void> {
  const found = await contents(await reopen(stage, fs, doing));
  const at = history.match(found);
  if (at === -1) throw failure(doing, history.explain(found));
  fs.recover('durable'); // the store recovery opened is dropped: a crash right after it
  const next = history.restartFrom(at);
  const store = await reopen(stage, fs, `${doing}, power cut again at once`);
  await puts(store, next, 1000, 12);
  fs.recover('durable');
  const after = `${doing}, power cut again at once, reopen, 12 awaited puts (sync 'commit'), power cut, reopen`;
  const again = await contents(await reopen(stage, fs, after));
  const expected = next.lines(next.latest);
  if (again.join('\n') !== expected.join('\n')) {
    throw mismatch(after, 'the content recovered the first time plus the 12 new puts', describeDifference(expected, again));
  }
}

/** The .wal files in DIR, in order of the number in their names. */
async function segments(fs: SimFileSystem): Promise<string[]> {
  const number = (name: string) => Number(/\d+/.exec(name)?.[0] ?? 0);
  return (await fs.readdir(DIR)).filter((name) => name.endsWith('.wal')).sort((x, y) => number(x) - number(y));
}

/**
 * Damage no torn tail explains, found without knowing the record layout: the log's size after
 * each awaited put marks where each record ends. Returns the file and those ends, or undefined
 * when the file does not grow put by put (a preallocating design: this check does not apply).
 */
async function recordEnds(stage: Stage06, fs: SimFileSystem): Promise<{ name: string; ends: number[] } | undefined> {
  const store = await open(stage, fs, { sync: 'commit' });
  const ends: number[] = [];
  let name = '';
  for (let i = 0; i < 20; i++) {
    await store.put(b(`key:${String(i).padStart(2, '0')}`), b(`value ${i}`.padEnd(80, '.')));
    const logs = await segments(fs);
    name = logs[logs.length - 1] ?? '';
    ends.push(name === '' ? 0 : (await fs.stat(`${DIR}/${name}`)).size);
  }
  fs.recover('durable');
  return ends.every((end, i) => i === 0 || end > ends[i - 1]!) ? { name, ends } : undefined;
}

rule('06-K01', 'a torn tail is cut off, and writing goes on after it', 'Recovery', async (stage) => {
  // Torn tails in 'window' mode: ten writes since the last fsync, each kept, lost or garbled.
  for (let seed = 1; seed <= 12; seed++) {
    const fs = simDisk(seed);
    const history = new History();
    const store = await open(stage, fs, { sync: 'window', syncWindowMs: 50 });
    await puts(store, history, 0, 10);
    await store.flush();
    history.acknowledged();
    await puts(store, history, 10, 10);
    await powerCut(fs, 'torn', 60);
    await recoversAndGoesOn(stage, fs, history, `sync 'window', syncWindowMs 50: 10 puts, flush(), 10 more puts (unsynced), power cut tearing them (seed ${seed}), reopen`);
  }
  // Torn tails in 'commit' mode: the power cut at each step of three puts issued together.
  for (let step = 0; step < 6; step++) {
    const fs = simDisk(step + 100);
    const history = new History();
    const store = await open(stage, fs, { sync: 'commit' });
    await puts(store, history, 0, 20);
    history.acknowledged();
    const start = fs.operations;
    fs.cutPowerAt(fs.mutatingOps + step);
    const together = [0, 1, 2].map((n) => {
      const key = `together:${n}`;
      history.put(key, `in flight ${n}`);
      return store.put(b(key), b(`in flight ${n}`));
    });
    const settled = await Promise.allSettled(together);
    settled.forEach((result, n) => {
      if (result.status === 'fulfilled') history.acknowledged(history.latest - 2 + n);
    });
    const at = fs.cutAtOperation === undefined ? 'after they all finished' : `at ${describeStep(fs.cutAtOperation - start + 1, undefined, fs.cutDuring)} of them`;
    fs.recover('torn');
    await recoversAndGoesOn(stage, fs, history, `sync 'commit': 20 awaited puts, then 3 puts issued together with the power cut ${at} (torn), reopen`);
  }
});

rule('06-K05', 'damage in the middle of the log is refused with CORRUPT, naming the file and the offset', 'Recovery', async (stage) => {
  // A byte flipped in an early record that later records vouch for.
  const probe = simDisk();
  const built = async (fs: SimFileSystem) => {
    const store = await open(stage, fs, { sync: 'commit' });
    await puts(store, new History(), 0, 30);
    const logs = await walFiles(store);
    expectTrue(logs.length > 0, "30 awaited puts with sync 'commit': stats().files must list the log's .wal file");
    fs.recover('durable');
    return logs.reduce((big, file) => (file.bytes > big.bytes ? file : big)).name;
  };
  const name = await built(probe);
  const size = (await probe.readFile(`${DIR}/${name}`)).length;
  for (const fraction of [0.12, 0.17, 0.22, 0.27, 0.32, 0.37, 0.42]) {
    const at = Math.floor(size * fraction);
    const fs = simDisk();
    await built(fs);
    const bytes = await fs.readFile(`${DIR}/${name}`);
    const handle = await fs.open(`${DIR}/${name}`, 'write');
    await handle.write(at, Uint8Array.of(bytes[at]! ^ 0x5a));
    await handle.sync();
    await handle.close();
    await expectCorrupt(stage, fs, name, `30 puts of 70–110 bytes, each awaited with sync 'commit', power cut; byte ${at} of ${name} (${size} bytes, an early record) flipped; reopen`);
  }
  // A record missing from the middle: its neighbours are intact, the sequence numbers have a gap.
  const layout = await recordEnds(stage, simDisk());
  if (layout !== undefined) {
    const { name: log, ends } = layout;
    const fs = simDisk();
    await recordEnds(stage, fs);
    const bytes = await fs.readFile(`${DIR}/${log}`);
    const spliced = new Uint8Array(bytes.length - (ends[9]! - ends[8]!));
    spliced.set(bytes.subarray(0, ends[8]!));
    spliced.set(bytes.subarray(ends[9]!), ends[8]!);
    await overwrite(fs, `${DIR}/${log}`, spliced);
    await expectCorrupt(stage, fs, log, `20 puts, each awaited with sync 'commit', power cut; the 10th record (bytes ${ends[8]}..${ends[9]} of ${log}, found from the file's size after each put) cut out; reopen`);
  }
  // A segment that is not the last one ending early: the log of an interrupted checkpoint
  // (the old segment still there beside the new one), with the old segment's last byte gone.
  for (const cut of [0, 1]) {
    const fs = simDisk();
    const history = new History();
    const store = await open(stage, fs, { sync: 'commit' });
    await puts(store, history, 0, 20);
    const old = (await walFiles(store)).map((file) => file.name);
    const saved = await Promise.all(old.map((file) => fs.readFile(`${DIR}/${file}`)));
    await store.checkpoint();
    await puts(store, history, 20, 10);
    fs.recover('durable');
    for (const [n, file] of old.entries()) await overwrite(fs, `${DIR}/${file}`, saved[n]!.subarray(0, saved[n]!.length - (n === old.length - 1 ? cut : 0)));
    const doing = `20 puts, checkpoint(), 10 puts, each awaited with sync 'commit', power cut; the log from before the checkpoint (${old.join(', ')}) put back as an interrupted checkpoint leaves it${cut ? ', less its last byte' : ''}; reopen`;
    if (cut === 0) {
      const found = await contents(await reopen(stage, fs, doing));
      const expected = history.lines(history.latest);
      if (found.join('\n') !== expected.join('\n')) throw mismatch(doing, 'all 30 puts (replaying records the index already holds is harmless)', describeDifference(expected, found));
    } else {
      const logs = await segments(fs);
      if (logs.length >= 2) await expectCorrupt(stage, fs, old[old.length - 1]!, `${doing} (${logs.join(', ')} are in the directory: it is not the last segment)`);
    }
  }
});
