// Stage 06 crash injection: a power cut before every file-system step of a fixed workload with
// group commits, index flushes and checkpoints, clean and torn. After each, the reopened store
// holds one state of its history, at or after the last acknowledged write; and a store cut off
// in the middle of a checkpoint goes on checkpointing and reopening without losing a write.

import { failure, mismatch } from '../../harness/assert.ts';
import { atEveryStep, describePoint } from '../../harness/crash-points.ts';
import { showBytes } from '../../harness/display.ts';
import type { WalStore } from '../../stages/06-wal/contract.ts';
import { b, contents, describeDifference, History, open, reopen, rule } from './setup.ts';
import { runWorkload, WORKLOAD_OPTIONS, WORKLOAD_TEXT } from './workload.ts';

rule('06-C01', 'a power cut at any step, clean or torn, keeps every acknowledged write and a state the store passed through', 'Durability', async (stage) => {
  let history = new History();
  await atEveryStep(
    async (fs) => {
      history = new History();
      const store = await open(stage, fs, WORKLOAD_OPTIONS);
      const mark = fs.mutatingOps;
      return {
        mark,
        workload: async () => {
          await runWorkload(store, history, false);
          await store.close(); // waits for background index writes and checkpoints: their steps are crashed too
          history.acknowledged();
        },
      };
    },
    async (fs, point) => {
      const doing = `${WORKLOAD_TEXT}, then close — ${describePoint(point)}, reopen`;
      const store = await reopen(stage, fs, doing, WORKLOAD_OPTIONS);
      const found = await contents(store);
      if (history.match(found) === -1) throw failure(doing, history.explain(found));
      // A second crash right after recovery: what recovery left on disk must itself be durable.
      fs.recover('durable');
      const again = await contents(await reopen(stage, fs, `${doing}, then a second power cut right after that reopen, reopen again`, WORKLOAD_OPTIONS));
      if (again.join('\n') !== found.join('\n')) {
        throw mismatch(`${doing}, then a second power cut right after that reopen, reopen again`, `the same content as after the first reopen (${found.length} keys)`, `${again.length} keys, differing from it thus: ${describeDifference(found, again)}`);
      }
    },
    ['durable', 'torn'],
  );
});

rule('06-C02', 'after a power cut at any step of a checkpoint, the store checkpoints on, reopens again and again, and loses nothing', 'Checkpoints', async (stage) => {
  const options = { sync: 'commit', checkpointBytes: 1 << 30 } as const; // only the explicit checkpoints
  const value = (i: number) => `v${i}`.padEnd(100, '.');
  const keyAt = (i: number, spread: number) => `key:${String(i % spread).padStart(2, '0')}`;
  await atEveryStep(
    async (fs) => {
      const store = await open(stage, fs, options);
      for (let i = 0; i < 30; i++) await store.put(b(keyAt(i, 20)), b(value(i)));
      return { mark: fs.mutatingOps, workload: () => store.checkpoint() };
    },
    async (fs, point) => {
      // Every put was acknowledged before the checkpoint began: whatever it did, they all stay.
      const model = new Map<string, string>();
      for (let i = 0; i < 30; i++) model.set(keyAt(i, 20), value(i));
      let doing = `30 puts over 20 keys, checkpoint() — ${describePoint(point)}, reopen`;
      let store = await reopen(stage, fs, doing, options);
      await expectModel(store, model, doing);
      // Go on: more writes and checkpoints, with a power cut and a reopen after each round.
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 15; i++) {
          const n = 100 + round * 15 + i;
          model.set(keyAt(n, 25), value(n));
          await store.put(b(keyAt(n, 25)), b(value(n)));
        }
        await store.checkpoint();
        fs.recover('durable');
        doing += `; 15 puts, checkpoint(), power cut, reopen`;
        store = await reopen(stage, fs, doing, options);
        await expectModel(store, model, doing);
      }
    },
    ['durable', 'torn'],
  );
});

async function expectModel(store: WalStore, model: ReadonlyMap<string, string>, doing: string): Promise<void> {
  const expected = [...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`);
  const found = await contents(store);
  if (found.join('\n') !== expected.join('\n')) {
    throw mismatch(doing, `every acknowledged write (${expected.length} keys)`, describeDifference(expected, found));
  }
}
