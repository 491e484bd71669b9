// Stage 07 crash injection: a power cut before every file-system step of a fixed workload of
// transactions (group commits, index flushes, checkpoints), clean and torn. After each, the
// reopened store holds every resolved commit and whole transactions only, never part of one.

import { failure, mismatch } from '../../harness/assert.ts';
import { atEveryStep, describePoint } from '../../harness/crash-points.ts';
import { describeDifference, open, render, reopen, rule } from './setup.ts';
import { contentMap, judge, Ledger, runWorkload, WORKLOAD_OPTIONS, WORKLOAD_TEXT } from './workload.ts';

rule('07-C01', 'a power cut at any step, clean or torn, keeps every resolved commit, and of the others each whole or not at all', 'Rule 3: Atomic and durable', async (stage) => {
  let ledger = new Ledger();
  await atEveryStep(
    async (fs) => {
      ledger = new Ledger();
      const store = await open(stage, fs, WORKLOAD_OPTIONS);
      return {
        mark: fs.mutatingOps,
        workload: async () => {
          await runWorkload(store, ledger, false);
          await store.close(); // waits for background index writes and checkpoints: their steps are crashed too
        },
      };
    },
    async (fs, point) => {
      const doing = `${WORKLOAD_TEXT}, then close — ${describePoint(point)}, reopen`;
      const found = await contentMap(await reopen(stage, fs, doing, WORKLOAD_OPTIONS));
      const problem = judge(ledger, found);
      if (problem !== undefined) throw failure(doing, problem);
      // A second crash right after recovery: what recovery left on disk must itself be durable.
      fs.recover('durable');
      const again = await contentMap(await reopen(stage, fs, `${doing}, then a second power cut right after that reopen, reopen again`, WORKLOAD_OPTIONS));
      const [first, second] = [render(found), render(again)];
      if (first.join('\n') !== second.join('\n')) {
        throw mismatch(`${doing}, then a second power cut right after that reopen, reopen again`, `the same content as after the first reopen (${first.length} keys)`, `${second.length} keys, differing from it thus: ${describeDifference(first, second)}`);
      }
    },
    ['durable', 'torn'],
  );
});
