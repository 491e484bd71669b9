// Stage 06 batches: write(batch) logs and applies several puts and deletes as one. Examples,
// then a power cut at every step of batched writes (clean and torn: a torn write can keep the
// first records of an append and lose the rest) and EIO at every step: after each, the store
// holds whole batches only — every acknowledged one, never part of one.

import { expectContents, expectErrorCode, expectResolves, failure, rethrowStub } from '../../harness/assert.ts';
import { atEveryStep, describePoint, describeStep } from '../../harness/crash-points.ts';
import { show } from '../../harness/display.ts';
import { watchFaults } from '../../harness/fault-watch.ts';
import type { FaultRule } from '../../harness/sim-fs/faults.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { BatchWrite, Stage06, WalStore, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { b, contents, History, KiB, keyOf, open, powerCut, reopen, rule, simDisk } from './setup.ts';
import { replayPoint } from '../../harness/replay.ts';

interface Write {
  key: string;
  value?: string;
}

const asBatch = (writes: readonly Write[]): BatchWrite[] => writes.map(({ key, value }) => (value === undefined ? { key: b(key) } : { key: b(key), value: b(value) }));
const describeBatch = (writes: readonly Write[]) => `[${writes.map(({ key, value }) => (value === undefined ? `delete ${key}` : `put ${key}`)).join(', ')}]`;

/** A store holding gone=old, then write([put a 1, delete gone, put b 2]) with sync 'commit'. */
async function oneBatch(stage: Stage06): Promise<{ fs: SimFileSystem; store: WalStore; doing: string }> {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'commit' });
  await store.put(b('gone'), b('old'));
  const writes: Write[] = [{ key: 'a', value: '1' }, { key: 'gone' }, { key: 'b', value: '2' }];
  await store.write(asBatch(writes));
  return { fs, store, doing: `put gone=old, then write(${describeBatch(writes)})` };
}

rule('06-E08', 'write(batch) applies its puts and deletes', 'Batches', async (stage) => {
  const { store, doing } = await oneBatch(stage);
  expectContents(await contents(store), ['"a"="1"', '"b"="2"'], `${doing}, scan`);
});

rule('06-E15', 'write(batch) resolves only once every write of the batch is durable', 'Batches', async (stage) => {
  const { fs, doing } = await oneBatch(stage);
  await powerCut(fs);
  const after = await contents(await reopen(stage, fs, `${doing}, a power cut, reopen`));
  expectContents(after, ['"a"="1"', '"b"="2"'], `${doing}, a power cut, reopen, scan`, "write() resolved with sync 'commit': durable");
});

rule('06-E16', 'a later write of a key in a batch wins over an earlier one, also when the log is replayed', 'Batches', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'commit' });
  await store.put(b('c'), b('old'));
  const writes: Write[] = [{ key: 'a', value: '1' }, { key: 'c' }, { key: 'c', value: 'new' }, { key: 'a', value: '3' }, { key: 'b', value: '2' }, { key: 'b' }];
  await store.write(asBatch(writes));
  const doing = `put c=old, then write(${describeBatch(writes)}) with a = 1 then a = 3`;
  const expected = ['"a"="3"', '"c"="new"'];
  expectContents(await contents(store), expected, `${doing}, scan`);
  await powerCut(fs);
  const after = await contents(await reopen(stage, fs, `${doing}, a power cut, reopen`));
  expectContents(after, expected, `${doing}, a power cut, reopen (the batch replayed from the log), scan`);
});

rule('06-E09', 'a batch holding one bad write rejects with its code, and none of its writes happen', 'Batches', async (stage) => {
  const store = await open(stage, simDisk(), { sync: 'commit', limits: { maxKeySize: 16, maxValueSize: 64 } });
  await store.put(b('kept'), b('before'));
  await expectErrorCode(() => store.write([{ key: b('a'), value: b('1') }, { key: b('k'.repeat(17)), value: b('2') }]), 'KEY_TOO_LARGE', 'write([put a, put a 17-byte key]) with maxKeySize 16');
  await expectErrorCode(() => store.write([{ key: b('a'), value: b('1') }, { key: b('b'), value: b('v'.repeat(65)) }]), 'VALUE_TOO_LARGE', 'write([put a, put b with a 65-byte value]) with maxValueSize 64');
  expectContents(await contents(store), ['"kept"="before"'], 'put kept, two batches that each hold one oversized write, scan', 'a rejected batch writes nothing: not even its good writes');
});

rule('06-E17', 'an empty batch resolves, and changes nothing', 'Batches', async (stage) => {
  const store = await open(stage, simDisk(), { sync: 'commit' });
  await store.put(b('kept'), b('before'));
  await expectResolves(() => store.write([]), 'put kept, then write([])', 'it resolves');
  expectContents(await contents(store), ['"kept"="before"'], 'put kept, write([]), scan');
});

/** Batch i of the workload: 8 writes (one a delete after the first batches) with 150-byte values, so one batch spans several 512-byte sectors. */
function batchOf(i: number): Write[] {
  return Array.from({ length: 8 }, (_, j) => {
    const key = keyOf(i * 7 + j, 60);
    return j === 7 && i > 2 ? { key: keyOf((i - 2) * 7, 60) } : { key, value: `b${i}.${j}`.padEnd(150, '.') };
  });
}

const BATCHES = 24;
const OPTIONS: Partial<WalStoreOptions> = { sync: 'commit', memoryBudget: 16 * KiB, checkpointBytes: 8 * KiB };
const WORKLOAD = `${BATCHES} batches of 8 writes (150-byte values) over 60 keys, three issued together at a time, sync 'commit', checkpointBytes 8192, then close`;

/** Runs the batches, three in flight at once, recording each as one state and acknowledging it when it resolves. Tolerant: notes the first rejection and goes on. */
async function runBatches(store: WalStore, history: History, tolerant: boolean): Promise<unknown> {
  let firstError: unknown;
  for (let i = 0; i < BATCHES; i += 3) {
    await Promise.all(
      Array.from({ length: Math.min(3, BATCHES - i) }, async (_, k) => {
        const writes = batchOf(i + k);
        const index = history.batch(writes);
        try {
          await store.write(asBatch(writes));
          history.acknowledged(index);
        } catch (error) {
          rethrowStub(error);
          if (!tolerant) throw error;
          firstError ??= error;
        }
      }),
    );
  }
  return firstError;
}

rule('06-C04', 'a power cut at any step of batched writes, clean or torn, leaves every batch whole or absent, and every acknowledged one there', 'Batches', async (stage) => {
  let history = new History();
  await atEveryStep(
    async (fs) => {
      history = new History();
      const store = await open(stage, fs, OPTIONS);
      return {
        mark: fs.mutatingOps,
        workload: async () => {
          await runBatches(store, history, false);
          await store.close();
        },
      };
    },
    async (fs, point) => {
      const doing = `${WORKLOAD} — ${describePoint(point)}, reopen`;
      const found = await contents(await reopen(stage, fs, doing, OPTIONS));
      if (history.match(found) === -1) throw failure(doing, `  (each state is after a whole batch: a state between two is part of a batch)\n${history.explain(found)}`);
    },
    ['durable', 'torn'],
  );
});

async function failAt(stage: Stage06, fault: FaultRule, doing: string): Promise<void> {
  const fs = simDisk();
  const history = new History();
  const store = await open(stage, fs, OPTIONS);
  fs.inject(fault);
  const firstFailed = await runBatches(store, history, true);
  try {
    await store.close();
  } catch (error) {
    rethrowStub(error);
  }
  fs.faults.clear();
  fs.recover('durable');
  const after = `${doing}${firstFailed === undefined ? '' : ` (the first to fail: ${show(firstFailed)})`}; then the fault cleared, a power cut, reopen`;
  const found = await contents(await reopen(stage, fs, after, OPTIONS));
  if (history.match(found) === -1) throw failure(after, `  (each state is after a whole batch: a state between two is part of a batch)\n${history.explain(found)}`);
}

rule('06-F02', 'EIO at any step of batched writes: the reopened store holds every acknowledged batch, and no part of any other', 'Batches', async (stage) => {
  const probe = simDisk();
  const store = await open(stage, probe, OPTIONS);
  const seen = watchFaults(probe);
  await runBatches(store, new History(), false);
  await store.close();
  const steps = [...seen.ops.values()].reduce((sum, n) => sum + n, 0);
  for (let nth = 0; nth < steps; nth++) {
    if (!replayPoint(`EIO once, at ${describeStep(nth + 1, steps)} after open`)) continue;
    await failAt(stage, { op: 'any', nth, code: 'EIO' }, `${WORKLOAD}; EIO once, at ${describeStep(nth + 1, steps)} after open`);
  }
});
