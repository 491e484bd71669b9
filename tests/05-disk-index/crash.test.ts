// Stage 05 fault injection: a power cut at every step of a workload that flushes (and, with
// a small budget, compacts tables or spills pages), clean and torn; EIO at every step. After each, the reopened
// store holds one state of its history, at or after the last completed flush.

import { mismatch, rethrowStub } from '../../harness/assert.ts';
import { atEveryStep, describePoint } from '../../harness/crash-points.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { DiskStore, Stage05 } from '../../stages/05-disk-index/contract.ts';
import { b, contents, describeContents, History, KiB, keyOf, open, rule, simDisk } from './setup.ts';
import { replayPoint } from '../../harness/replay.ts';

/** 220 writes with a 16 KiB budget (so the store flushes and compacts, or spills pages, on its own), a flush midway, then close. */
async function workload(store: DiskStore, history: History): Promise<void> {
  for (let i = 0; i < 220; i++) {
    const key = keyOf(i, 90);
    if (i % 9 === 4) {
      await store.delete(b(key));
      history.delete(key);
    } else {
      const value = `v${i}`.padEnd(100, '.');
      await store.put(b(key), b(value));
      history.put(key, value);
    }
    if (i === 110) {
      await store.flush();
      history.flushed();
    }
  }
  await store.close(); // waits for background flushes and compactions: their steps are crashed too
  history.flushed();
}

async function expectSomePrefix(stage: Stage05, fs: SimFileSystem, history: History, doing: string): Promise<void> {
  let found: string[];
  try {
    found = await contents(await open(stage, fs, { memoryBudget: 16 * KiB }));
  } catch (error) {
    rethrowStub(error);
    throw mismatch(doing, 'the store reopens', String(error));
  }
  if (history.match(found) === -1) {
    throw mismatch(
      doing,
      `the state after some write at or after the last completed flush (write ${history.durableFrom} of ${history.states.length - 1})`,
      `a state the store never passed through: ${describeContents(found)}`,
    );
  }
}

rule('05-C01', 'a power cut at any step of flushes, compactions or page spills leaves a state at or after the last flush', 'Durability', async (stage) => {
  let history = new History();
  await atEveryStep(
    async (fs) => {
      history = new History();
      const store = await open(stage, fs, { memoryBudget: 16 * KiB, paranoid: false });
      return { mark: fs.mutatingOps, workload: () => workload(store, history) };
    },
    (fs, point) => expectSomePrefix(stage, fs, history, `220 puts and deletes with a 16 KiB budget, flushes and a close — ${describePoint(point)}`),
    ['durable', 'torn'],
  );
});

rule('05-F01', 'an EIO at any step stops the store without losing what was flushed before it', 'When the disk fails', async (stage) => {
  const probe = simDisk();
  const first = await open(stage, probe, { memoryBudget: 16 * KiB, paranoid: false });
  const mark = probe.mutatingOps;
  await workload(first, new History());
  const steps = probe.mutatingOps - mark;
  for (let nth = 0; nth < steps; nth += Math.max(1, Math.floor(steps / 30))) {
    if (!replayPoint(`EIO at step ${nth + 1} of ${steps} of the workload`)) continue;
    const fs = simDisk();
    const history = new History();
    const store = await open(stage, fs, { memoryBudget: 16 * KiB, paranoid: false });
    fs.inject({ op: 'any', nth, code: 'EIO' });
    try {
      await workload(store, history);
    } catch (error) {
      rethrowStub(error);
    }
    fs.faults.clear();
    fs.recover('durable');
    await expectSomePrefix(stage, fs, history, `the same workload with an EIO on file-system operation #${nth} of ${steps}, then a power cut`);
  }
});

/** 05-C02's workload: two small flushes and a close, each write of them left unsynced at some point. */
async function twoFlushes(store: DiskStore, history: History): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 20; i++) {
      const key = `key:${String(round * 10 + i).padStart(3, '0')}`;
      const value = `round ${round}`.padEnd(60, '.');
      await store.put(b(key), b(value));
      history.put(key, value);
    }
    await store.flush();
    history.flushed();
  }
  await store.close();
}

rule('05-C02', 'a power cut that tears any unsynced writes of a flush, in any way, leaves a state at or after the last flush', 'Durability', async (stage) => {
  // Torn mode keeps, drops or garbles each unsynced write on its own, by a seed; one seed per
  // run of crashes tries one combination per step, so several seeds try the combinations a
  // single run misses (two writes between fsyncs both garbled, say).
  for (let seed = 1; seed <= 16; seed++) {
    let history = new History();
    await atEveryStep(
      async (fs) => {
        history = new History();
        const store = await open(stage, fs, { paranoid: false });
        return { mark: fs.mutatingOps, workload: () => twoFlushes(store, history) };
      },
      (fs, point) => expectSomePrefix(stage, fs, history, `20 puts, a flush, 20 puts (10 of them overwrites), a flush, a close — ${describePoint(point)}, tear seed ${seed * 1000}`),
      ['torn'],
      seed * 1000,
    );
  }
});
