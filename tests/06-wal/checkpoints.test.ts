// Stage 06 checkpoints and replay: a checkpoint shrinks the log and stats() shows it; checkpoints
// start by themselves and close() waits for them; overwrites and deletes replay in order over
// whatever the index had made durable, replaying twice changes nothing, and the index never
// gets ahead of the log.

import { expectContents, expectResolves, expectSame, expectTrue, failure, mismatch } from '../../harness/assert.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage06, WalStats, WalStore } from '../../stages/06-wal/contract.ts';
import { b, contents, DIR, describeDifference, History, KiB, open, powerCut, reopen, rule, simDisk } from './setup.ts';

/** What stats() reports is the rule of the spec's "Stats" section, whichever test checks it. */
const STATS = { section: 'Stats' };

/** stats().files against the file system, and the .wal files' sizes against logBytes. */
async function checkFiles(fs: SimFileSystem, stats: WalStats, doing: string): Promise<void> {
  const wals = stats.files.filter((file) => file.name.endsWith('.wal'));
  expectTrue(wals.length >= 1, `${doing}: stats().files must list the log's .wal segments`, `it lists: ${stats.files.map((f) => f.name).join(', ') || 'nothing'}`, STATS);
  for (const file of stats.files) {
    const size = (await fs.stat(`${DIR}/${file.name}`)).size;
    expectSame(file.bytes, size, `${doing}: stats() says ${file.name} has ${file.bytes} bytes; the file system says`, STATS);
  }
  const sum = wals.reduce((total, file) => total + file.bytes, 0);
  expectSame(stats.logBytes, sum, `${doing}: stats().logBytes against the sizes of the .wal files it lists (${wals.map((f) => `${f.name} ${f.bytes}`).join(', ')})`, STATS);
}

async function expectContent(store: WalStore, history: History, doing: string): Promise<void> {
  const found = await contents(store);
  const expected = history.lines(history.latest);
  if (found.join('\n') !== expected.join('\n')) {
    throw mismatch(doing, `every write (${expected.length} keys)`, `${found.length} keys: ${describeDifference(expected, found)}`);
  }
}

rule('06-E05', 'checkpoint() shrinks the log to almost nothing, and the store loses nothing', 'Checkpoints', async (stage) => {
  const fs = simDisk();
  const history = new History();
  const options = { memoryBudget: 1024 * KiB };
  const store = await open(stage, fs, options);
  for (let i = 0; i < 200; i++) {
    const key = `key:${String(i).padStart(3, '0')}`;
    const value = `${i}:`.padEnd(100, 'x');
    await store.put(b(key), b(value));
    history.put(key, value);
  }
  const before = await store.stats();
  expectTrue(before.logBytes >= 200 * 100, '200 puts of 100-byte values: stats().logBytes counts the bytes in the log', `expected at least ${200 * 100}, received ${before.logBytes}`, STATS);
  await checkFiles(fs, before, '200 puts of 100-byte values');
  await store.checkpoint();
  const after = await store.stats();
  expectTrue(after.logBytes < 1024, `200 puts of 100-byte values (log: ${before.logBytes} bytes), checkpoint(): the log must shrink`, `stats().logBytes is ${after.logBytes}; expected less than 1024`);
  expectSame(after.checkpoints, before.checkpoints + 1, `200 puts, then checkpoint(): stats().checkpoints (it was ${before.checkpoints} before)`, STATS);
  await checkFiles(fs, after, '200 puts, checkpoint()');
  for (let i = 0; i < 200; i += 7) {
    const key = `key:${String(i).padStart(3, '0')}`;
    if (i % 2 === 0) {
      await store.delete(b(key));
      history.delete(key);
    } else {
      await store.put(b(key), b('after the checkpoint'));
      history.put(key, 'after the checkpoint');
    }
  }
  fs.recover('durable');
  let doing = '200 puts, checkpoint(), 29 more puts and deletes, power cut, reopen';
  const reopened = await reopen(stage, fs, doing, options);
  await expectContent(reopened, history, doing);
  await reopened.close();
  doing = `${doing}, close, reopen`;
  await expectContent(await reopen(stage, fs, doing, options), history, doing);
});

rule('06-E10', 'a checkpoint starts by itself once the log holds checkpointBytes, and keeps the log bounded', 'Checkpoints', async (stage) => {
  const auto = simDisk();
  const small = { checkpointBytes: 4096 };
  const store2 = await open(stage, auto, small);
  const history2 = new History();
  for (let i = 0; i < 300; i++) {
    const key = `auto:${String((i * 37) % 250).padStart(3, '0')}`;
    const value = `${i}:`.padEnd(100, 'y');
    await store2.put(b(key), b(value));
    history2.put(key, value);
  }
  const running = await store2.stats();
  expectTrue(running.checkpoints >= 1, 'checkpointBytes 4096, 300 puts of 100-byte values: checkpoints start by themselves', `stats().checkpoints is ${running.checkpoints}`);
  await store2.flush();
  const bounded = await store2.stats();
  expectTrue(bounded.logBytes < 3 * 4096 + 200, 'checkpointBytes 4096, 300 puts of 100-byte values, flush(): the log stays bounded', `stats().logBytes is ${bounded.logBytes}; expected less than ${3 * 4096 + 200}`);
  await checkFiles(auto, bounded, 'checkpointBytes 4096, 300 puts, flush()');
  auto.recover('durable');
  let doing = 'checkpointBytes 4096, 300 puts of 100-byte values, flush(), power cut, reopen';
  const reopened = await reopen(stage, auto, doing, small);
  await expectContent(reopened, history2, doing);
  await reopened.close();
  doing = `${doing}, close, reopen`;
  await expectContent(await reopen(stage, auto, doing, small), history2, doing);
});

rule('06-E11', 'close() right after a checkpoint started by itself waits for it, and resolves', 'Checkpoints', async (stage) => {
  // A checkpoint that starts by itself runs in the background: a close() made right after the
  // put that started it waits for it, and resolves. Every count around the threshold is tried.
  const small = { checkpointBytes: 4096 };
  for (let count = 20; count <= 45; count++) {
    const fs = simDisk();
    const store3 = await open(stage, fs, small);
    for (let i = 0; i < count; i++) await store3.put(b(`close:${String(i).padStart(2, '0')}`), b('z'.repeat(100)));
    const doing = `checkpointBytes 4096: ${count} puts of 100-byte values, each awaited, then close() at once (a checkpoint may just have started by itself)`;
    await expectResolves(() => store3.close(), doing, 'close() waits for the checkpoint and resolves');
    const found = await contents(await reopen(stage, fs, `${doing}, reopen`, small));
    expectSame(found.length, count, `${doing}, reopen: number of keys`);
  }
});

/** Fillers between the steps: enough 100-byte puts that a 16 KiB budget writes the index by itself. */
async function fill(store: WalStore, history: History, round: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const key = `filler:${String(i % 25).padStart(2, '0')}`;
    if (i % 11 === 10) {
      await store.delete(b(key));
      history.delete(key);
    } else {
      const value = `round ${round} #${i}`.padEnd(100, '.');
      await store.put(b(key), b(value));
      history.put(key, value);
    }
  }
}

/**
 * Six overwrites and deletes of k and j, each followed by 60 fillers, with checkpoint() after
 * the steps listed, then a power cut: the disk, the history of states, and what was done.
 */
async function replayScenario(stage: Stage06, checkpointsAfter: readonly number[]): Promise<{ fs: SimFileSystem; history: History; scenario: string }> {
  const fs = simDisk();
  const history = new History();
  const store = await open(stage, fs);
  const steps: [string, () => Promise<void>, () => void][] = [
    ['put k v1', () => store.put(b('k'), b('v1')), () => history.put('k', 'v1')],
    ['put j j1', () => store.put(b('j'), b('j1')), () => history.put('j', 'j1')],
    ['put k v2', () => store.put(b('k'), b('v2')), () => history.put('k', 'v2')],
    ['delete j', () => store.delete(b('j')), () => history.delete('j')],
    ['put j j2', () => store.put(b('j'), b('j2')), () => history.put('j', 'j2')],
    ['delete k', () => store.delete(b('k')), () => history.delete('k')],
  ];
  const done: string[] = [];
  for (const [n, [what, act, model]] of steps.entries()) {
    await act();
    model();
    done.push(what);
    await fill(store, history, n);
    done.push('60 fillers');
    if (checkpointsAfter.includes(n + 1)) {
      await store.checkpoint();
      done.push('checkpoint()');
    }
  }
  fs.recover('durable');
  return { fs, history, scenario: `${done.join(', ')} (16 KiB budget), power cut` };
}

/** Where the scenarios put their checkpoints: none, one early, one late, two, after every step. */
const CHECKPOINTS_AFTER: readonly (readonly number[])[] = [[], [1], [3], [2, 4], [1, 2, 3, 4, 5, 6]];

rule('06-E06', 'overwrites and deletes replay in order over the index, with checkpoints anywhere', 'Recovery', async (stage) => {
  for (const checkpointsAfter of CHECKPOINTS_AFTER) {
    const { fs, history, scenario } = await replayScenario(stage, checkpointsAfter);
    let doing = `${scenario}, reopen`;
    const first = await reopen(stage, fs, doing);
    await expectContent(first, history, doing);
    expectSame(await first.get(b('k')), undefined, `${doing}: get k (deleted last)`);
    expectSame(await first.get(b('j')), b('j2'), `${doing}: get j`);
    await first.put(b('k'), b('v3'));
    history.put('k', 'v3');
    await first.delete(b('j'));
    history.delete('j');
    await fill(first, history, 99);
    fs.recover('durable');
    doing = `${doing}, put k v3, delete j, 60 fillers, power cut, reopen`;
    const second = await reopen(stage, fs, doing);
    await expectContent(second, history, doing);
    await second.close();
    doing = `${doing}, close, reopen`;
    await expectContent(await reopen(stage, fs, doing), history, doing);
  }
});

rule('06-E13', 'a power cut right after recovery replays the log a second time, and that changes nothing', 'Recovery', async (stage) => {
  for (const checkpointsAfter of CHECKPOINTS_AFTER) {
    const { fs, scenario } = await replayScenario(stage, checkpointsAfter);
    const doing = `${scenario}, reopen`;
    const once = await contents(await reopen(stage, fs, doing));
    fs.recover('durable');
    const again = `${doing}, power cut again at once, reopen (the log replayed a second time)`;
    expectContents(await contents(await reopen(stage, fs, again)), once, again, 'what the first replay recovered');
  }
});

/**
 * The index must never get ahead of the log. With sync 'window' and a long window, a flush()
 * makes `k = old` durable in the log; then `k = new` and enough puts that the index writes to
 * disk on its own. Were the index written before the log, a power cut would leave it holding
 * `k = new` and the fillers, and replaying the log's `k = old` over it would mix old and new.
 */
rule('06-E14', 'the index never gets ahead of the log: a power cut after the index wrote to disk by itself leaves a state the store passed through', 'The log', async (stage) => {
  const fs = simDisk();
  const history = new History();
  const store = await open(stage, fs, { sync: 'window', syncWindowMs: 1000 });
  for (const [k, v] of [['k', 'old'], ['j', 'one'], ['m', 'one']] as const) {
    await store.put(b(k), b(v));
    history.put(k, v);
  }
  await store.flush();
  history.acknowledged();
  await store.put(b('k'), b('new'));
  history.put('k', 'new');
  for (let i = 0; i < 250; i++) {
    const key = `filler:${String(i).padStart(3, '0')}`;
    const value = `${i}`.padEnd(100, '.');
    await store.put(b(key), b(value));
    history.put(key, value);
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // the index's own writes in the background finish
  await powerCut(fs);
  const doing = "sync 'window' (syncWindowMs 1000), 16 KiB budget: put k old, flush(), put k new, 250 puts of 100-byte values (the index writes to disk on its own), 20 ms, power cut, reopen";
  const found = await contents(await reopen(stage, fs, doing));
  if (history.match(found) === -1) {
    throw failure(doing, `${history.explain(found)}\n  (is the index written to disk before the log records it holds are durable? README, "Log before data")`);
  }
});
