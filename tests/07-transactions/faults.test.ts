// Stage 07 disk failures: EIO at every file-system operation of the fixed transaction workload,
// once and for good. A failed commit is never visible, not even in part; a failed write or fsync
// stops the store; the reopened store holds every resolved commit and whole transactions only.

import { failure, mismatch, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { rejects, STOPPING_OPS, watchFaults } from '../../harness/fault-watch.ts';
import type { FaultRule } from '../../harness/sim-fs/faults.ts';
import type { Stage07 } from '../../stages/07-transactions/contract.ts';
import { b, describeDifference, open, render, reopen, rule, simDisk } from './setup.ts';
import { contentMap, describeIds, judge, Ledger, runWorkload, WORKLOAD_OPTIONS, WORKLOAD_TEXT } from './workload.ts';
import { replayPoint } from '../../harness/replay.ts';

/** One run: the fault armed after open, the workload, then the checks. */
async function failAt(stage: Stage07, fault: FaultRule, doing: string): Promise<void> {
  const fs = simDisk();
  const ledger = new Ledger();
  const store = await open(stage, fs, WORKLOAD_OPTIONS);
  const seen = watchFaults(fs);
  fs.inject(fault);
  const outcome = await runWorkload(store, ledger, true);
  if (outcome.firstError !== undefined) {
    const { call, error } = outcome.firstError;
    if (seen.failed !== undefined && STOPPING_OPS.includes(seen.failed)) {
      const stopped = `expected: after ${call} rejected (${show(error)}), every later commit, put and get rejects: a failed ${seen.failed} stops the store`;
      if (outcome.lateCommit !== undefined) throw failure(doing, `  ${stopped}\n  received: ${outcome.lateCommit}, made after that, resolved`);
      if (!(await rejects(() => store.put(b('one-more'), b('put'))))) throw failure(doing, `  ${stopped}\n  received: store.put, made after the workload, resolved`);
      if (!(await rejects(() => store.get(b('one-more'))))) throw failure(doing, `  ${stopped}\n  received: store.get, made after the workload, resolved`);
    } else {
      // The store goes on: what it shows must be the resolved commits, none of the failed ones.
      let visible: Map<string, string> | undefined;
      try {
        visible = await contentMap(store);
      } catch (error) {
        rethrowStub(error);
      }
      const expected = render(ledger.visible());
      if (visible !== undefined && render(visible).join('\n') !== expected.join('\n')) {
        throw mismatch(`${doing}; ${call} rejected (${show(error)}); then store.scan()`, `the writes of the commits that resolved (${describeIds(ledger.acknowledged)}), nothing of the others`, describeDifference(expected, render(visible)));
      }
    }
  }
  try {
    await store.close();
  } catch (error) {
    rethrowStub(error);
  }
  fs.faults.clear();
  fs.recover('durable');
  const after = `${doing}; then the fault cleared, a power cut, reopen`;
  const problem = judge(ledger, await contentMap(await reopen(stage, fs, after, WORKLOAD_OPTIONS)));
  if (problem !== undefined) throw failure(after, problem);
}

rule('07-F01', 'EIO at any step: a failed commit is never visible, not even in part, and stops the store, which reopens with every resolved commit', 'Rule 3: Atomic and durable', async (stage) => {
  const probe = simDisk();
  const first = await open(stage, probe, WORKLOAD_OPTIONS);
  const seen = watchFaults(probe);
  await runWorkload(first, new Ledger(), false);
  await first.close();
  const all = [...seen.ops.values()].reduce((sum, n) => sum + n, 0);
  const plans: { fault: (nth: number) => FaultRule; what: string }[] = [
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO' }), what: 'EIO once, at step' },
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO', persist: true }), what: 'EIO for good (a dead disk), from step' },
  ];
  for (const { fault, what } of plans) {
    for (let nth = 0; nth < all; nth++) {
      if (!replayPoint(`${what} ${nth + 1} of ${all}`)) continue;
      await failAt(stage, fault(nth), `${WORKLOAD_TEXT}, then close; ${what} ${nth + 1} of ${all}`);
    }
  }
});
