// Stage 06 disk failures: EIO at every file-system operation of the fixed workload, once and for
// good, and ENOSPC at every write. The store never acknowledges what it could not make durable,
// stops at a failed write or fsync, and reopens holding every acknowledged write.

import { failure, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { rejects, STOPPING_OPS, watchFaults } from '../../harness/fault-watch.ts';
import type { FaultRule } from '../../harness/sim-fs/faults.ts';
import type { Stage06 } from '../../stages/06-wal/contract.ts';
import { b, contents, History, open, reopen, rule, simDisk } from './setup.ts';
import { runWorkload, WORKLOAD_OPTIONS, WORKLOAD_TEXT } from './workload.ts';
import { replayPoint } from '../../harness/replay.ts';

/** One run: the fault armed after open, the workload, then the checks. */
async function failAt(stage: Stage06, fault: FaultRule, doing: string): Promise<void> {
  const fs = simDisk();
  const history = new History();
  const store = await open(stage, fs, WORKLOAD_OPTIONS);
  const seen = watchFaults(fs);
  fs.inject(fault);
  const outcome = await runWorkload(store, history, true);
  if (outcome.firstError !== undefined && seen.failed !== undefined && STOPPING_OPS.includes(seen.failed)) {
    const { call, error } = outcome.firstError;
    const stopped = `expected: after ${call} rejected (${show(error)}), every later call rejects: a failed ${seen.failed} stops the store`;
    if (outcome.lateSuccess !== undefined) throw failure(doing, `  ${stopped}\n  received: ${outcome.lateSuccess}, made after that, resolved`);
    if (!(await rejects(() => store.put(b('one-more'), b('put'))))) throw failure(doing, `  ${stopped}\n  received: one more put, made after the workload, resolved`);
    if (!(await rejects(() => store.get(b('one-more'))))) throw failure(doing, `  ${stopped}\n  received: a get, made after the workload, resolved`);
  }
  try {
    await store.close();
    if (outcome.firstError === undefined) history.acknowledged();
  } catch (error) {
    rethrowStub(error);
  }
  fs.faults.clear();
  fs.recover('durable');
  const after = `${doing}; then the fault cleared, a power cut, reopen`;
  const found = await contents(await reopen(stage, fs, after, WORKLOAD_OPTIONS));
  if (history.match(found) === -1) throw failure(after, history.explain(found));
}

rule('06-F01', 'EIO or ENOSPC at any step: nothing unsaved is acknowledged, the store stops, the reopened store has every acknowledged write', 'When the disk fails', async (stage) => {
  const probe = simDisk();
  const first = await open(stage, probe, WORKLOAD_OPTIONS);
  const seen = watchFaults(probe);
  await runWorkload(first, new History(), false);
  await first.close();
  const all = [...seen.ops.values()].reduce((sum, n) => sum + n, 0);
  const writes = (seen.ops.get('write') ?? 0) + (seen.ops.get('append') ?? 0);
  const plans: { fault: (nth: number) => FaultRule; steps: number; what: string }[] = [
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO' }), steps: all, what: 'EIO once, at step' },
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO', persist: true }), steps: all, what: 'EIO for good (a dead disk), from step' },
    { fault: (nth) => ({ op: ['write', 'append'], nth, code: 'ENOSPC', persist: true }), steps: writes, what: 'ENOSPC for good (a full disk), from write' },
  ];
  for (const { fault, steps, what } of plans) {
    for (let nth = 0; nth < steps; nth++) {
      if (!replayPoint(`${what} ${nth + 1} of ${steps}`)) continue;
      await failAt(stage, fault(nth), `${WORKLOAD_TEXT}, then close; ${what} ${nth + 1} of ${steps}`);
    }
  }
});
