// Stage 08: back-pressure. With every fsync of the disk stalled, background work cannot put
// anything on disk; the store may keep acknowledging writes (sync 'window') only while the
// data it holds for them stays within its memory budget — after that writes wait — and reads
// go on answering all the while. Once the disk answers again, every write settles. One stall
// serves the three tests of those three rules.

import { Mismatch, mismatch, rethrowStub, showError } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { DelegatingFileSystem, withHandle } from '../../harness/sim-fs/delegating.ts';
import type { Stage08 } from '../../stages/08-concurrency/contract.ts';
import type { FileHandle } from '../../stages/file-system.ts';
import { b, KiB, openOrFail, options, rule, simDisk, text, within } from './setup.ts';
import { replayPoint } from '../../harness/replay.ts';

/** A disk whose fsyncs (of files and of directories) hang while `stalled`, then all go through. */
class StallingDisk extends DelegatingFileSystem {
  stalled = false;
  /** While stalled, this many fsyncs still go through before the rest hang. */
  passing = 0;
  /** fsyncs so far (files and directories). */
  syncs = 0;
  private waiting: (() => void)[] = [];
  release(): void {
    this.stalled = false;
    for (const wake of this.waiting.splice(0)) wake();
  }
  private gate(): Promise<void> {
    this.syncs++;
    if (!this.stalled) return Promise.resolve();
    if (this.passing > 0) {
      this.passing--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  protected override handle(_file: string, handle: FileHandle): FileHandle {
    return withHandle(handle, { sync: async () => (await this.gate(), handle.sync()) });
  }
  override async syncDir(dir: string): Promise<void> {
    await this.gate();
    return this.inner.syncDir(dir);
  }
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setTimeout(resolve, 1));
};

const BUDGET = 64 * KiB;
const VALUE = 200;
const WRITES = 4000; // 800 KB of values: 12 times the budget

const WHAT = `${WRITES} puts of ${VALUE}-byte values while no fsync can finish (sync 'window', memoryBudget ${BUDGET})`;

/** What one stall showed: each of 08-B01, 08-B03 and 08-B04 checks its own rule on it. */
interface Stall {
  /** Puts acknowledged while no fsync could finish. */
  ackedWhileStalled: number;
  /** Gets of keys already on disk that answered during the stall, of 100. */
  readsDoneWhileStalled: number;
  /** How the 100 gets settled, once the disk was back; undefined when some never did. */
  reads: PromiseSettledResult<Uint8Array | undefined>[] | undefined;
  /** Why the writes did not all settle once the disk was back; undefined when they did. */
  unsettled: unknown;
}

async function stall(stage: Stage08): Promise<Stall> {
  const disk = new StallingDisk(simDisk());
  const store = await openOrFail(stage, options(disk, { memoryBudget: BUDGET, sync: 'window', syncWindowMs: 1, checkpointBytes: 256 * KiB }), 'opening a new store');
  for (let i = 0; i < 100; i++) await store.put(b(`r${String(i).padStart(3, '0')}`), b(`read me ${i}`));
  await store.flush();

  disk.stalled = true;
  let acknowledged = 0;
  const writes = Array.from({ length: WRITES }, (_, i) => store.put(b(`w${String(i).padStart(4, '0')}`), b(`${i}:`.padEnd(VALUE, '.'))).then(() => void acknowledged++));
  await turns(60);
  const ackedWhileStalled = acknowledged;

  // Reads while the disk is stalled and writers wait.
  const reads = Array.from({ length: 100 }, (_, i) => store.get(b(`r${String(i).padStart(3, '0')}`)));
  let readsDone = 0;
  for (const read of reads) void read.then(() => readsDone++, () => readsDone++);
  await turns(30);
  const readsDoneWhileStalled = readsDone;

  disk.release();
  let unsettled: unknown;
  try {
    await within(Promise.all(writes), 10_000, `${WRITES} puts, once the stalled fsyncs went through`);
  } catch (error) {
    rethrowStub(error);
    unsettled = error instanceof Mismatch ? error : mismatch(`${WHAT}, then the disk back`, 'every put resolves', `one rejected: ${showError(error)}`);
  }
  const settled = await within(Promise.allSettled(reads), 10_000, '100 gets, once the stalled fsyncs went through').catch(() => undefined);
  if (unsettled === undefined) await store.close();
  return { ackedWhileStalled, readsDoneWhileStalled, reads: settled, unsettled };
}

/** One stall per stage under test, shared by the three tests below (it takes about a second). */
const stalls = new WeakMap<Stage08, Promise<Stall>>();
function stalled(stage: Stage08): Promise<Stall> {
  let run = stalls.get(stage);
  if (run === undefined) stalls.set(stage, (run = stall(stage)));
  return run;
}

rule('08-B01', 'while the disk cannot sync, acknowledged writes stay within the memory budget, then writes wait', 'Back-pressure', async (stage) => {
  const { ackedWhileStalled } = await stalled(stage);
  const limit = 2 * BUDGET;
  if (ackedWhileStalled * VALUE > limit) {
    throw mismatch(WHAT, `at most ${limit / KiB} KiB of them acknowledged (twice the budget), the rest waiting`, `${ackedWhileStalled} acknowledged, ${((ackedWhileStalled * VALUE) / KiB).toFixed(0)} KiB held in memory: nothing stops a writer from outrunning the disk`);
  }
  if (ackedWhileStalled * VALUE < 4 * KiB) {
    throw mismatch(WHAT, `at least 4 KiB of them acknowledged: in 'window' mode a put resolves once written, and writes wait only over the budget`, `${ackedWhileStalled} acknowledged: writes wait for the disk even under the budget`);
  }
});

rule('08-B03', 'reads keep answering while writers wait for a disk that cannot sync', 'Back-pressure', async (stage) => {
  const { readsDoneWhileStalled, reads } = await stalled(stage);
  const doing = `${WHAT}: 100 gets of keys already on disk, while writers wait for the stalled disk`;
  if (readsDoneWhileStalled < 100) throw mismatch(doing, 'every get answers', `${readsDoneWhileStalled} answered: reads wait behind writes or background work`);
  reads?.forEach((outcome, i) => {
    if (outcome.status === 'rejected') throw mismatch(`get r${i} during the stall`, `"read me ${i}"`, showError(outcome.reason));
    if (text(outcome.value) !== `read me ${i}`) throw mismatch(`get r${i} during the stall`, `"read me ${i}"`, show(text(outcome.value)));
  });
});

rule('08-B04', 'every write that waited for a disk that could not sync settles once the disk is back', 'Back-pressure', async (stage) => {
  const { unsettled } = await stalled(stage);
  if (unsettled !== undefined) throw unsettled;
});

rule('08-B02', 'reads answer while a checkpoint is stuck at any one of its fsyncs (the log\'s, the index\'s, the directory\'s)', 'Back-pressure', async (stage) => {
  // A probe run counts a checkpoint's fsyncs; then, for each k, the first k go through and
  // the next one hangs: the checkpoint is stuck at its k-th step, and reads must not care.
  const setup = async () => {
    const disk = new StallingDisk(simDisk());
    const store = await openOrFail(stage, options(disk, { memoryBudget: BUDGET, checkpointBytes: 1024 * KiB }), 'opening a new store');
    for (let i = 0; i < 300; i++) await store.put(b(`r${String(i).padStart(3, '0')}`), b(`read me ${i}`.padEnd(100, '.')));
    return { disk, store };
  };
  const probe = await setup();
  const before = probe.disk.syncs;
  await probe.store.checkpoint();
  const steps = probe.disk.syncs - before;
  await probe.store.close();
  for (let k = 0; k < steps; k++) {
    if (!replayPoint(`the checkpoint's fsync ${k + 1} of ${steps} stalled`)) continue;
    const { disk, store } = await setup();
    disk.passing = k;
    disk.stalled = true;
    const checkpoint = store.checkpoint();
    await turns(5);
    let answered = 0;
    const reads = Array.from({ length: 30 }, (_, i) => store.get(b(`r${String(i * 10).padStart(3, '0')}`)).then((value) => {
      answered++;
      return value;
    }));
    await turns(20);
    const stuck = answered;
    disk.release();
    await checkpoint;
    const values = await Promise.all(reads);
    await store.close();
    if (stuck < reads.length) throw mismatch(`30 gets while a checkpoint waits for its fsync number ${k + 1} of ${steps}`, 'every get answers (background work never blocks readers)', `${stuck} answered while the checkpoint was stuck`);
    values.forEach((value, i) => {
      if (!text(value)?.startsWith(`read me ${i * 10}`)) throw mismatch(`get r${i * 10} during a stuck checkpoint`, `"read me ${i * 10}…"`, show(text(value)));
    });
  }
});
