// Stage 06 disk failures: EIO at every file-system operation of the fixed workload, once and for
// good, and ENOSPC at every write. The store never acknowledges what it could not make durable,
// stops at a failed write or fsync, and reopens holding every acknowledged write.

import { Mismatch, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import type { FaultRule, OpKind } from '../../harness/sim-fs/faults.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage06 } from '../../stages/06-wal/contract.ts';
import { b, contents, History, open, reopen, rule, simDisk } from './setup.ts';
import { runWorkload, WORKLOAD_OPTIONS, WORKLOAD_TEXT } from './workload.ts';

/**
 * The operations a failure of which must stop the store (README: a failed write or fsync is
 * final): every one that changes a file or a directory. A failed read (or an open, which may be
 * one) need not stop it; the test then checks only that nothing acknowledged is lost.
 */
const STOPPING: readonly OpKind[] = ['write', 'append', 'truncate', 'sync', 'syncDir', 'rename', 'unlink', 'mkdir'];

/** Counts the operations the fault plan sees, by kind, and notes the kind of the first that failed. */
function watch(fs: SimFileSystem): { ops: Map<OpKind, number>; failed?: OpKind } {
  const seen: { ops: Map<OpKind, number>; failed?: OpKind } = { ops: new Map() };
  const check = fs.faults.check.bind(fs.faults);
  fs.faults.check = (op) => {
    seen.ops.set(op, (seen.ops.get(op) ?? 0) + 1);
    const code = check(op);
    if (code !== undefined) seen.failed ??= op;
    return code;
  };
  return seen;
}

async function rejects(call: () => unknown): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    rethrowStub(error);
    return true;
  }
}

/** One run: the fault armed after open, the workload, then the checks. */
async function failAt(stage: Stage06, fault: FaultRule, doing: string): Promise<void> {
  const fs = simDisk();
  const history = new History();
  const store = await open(stage, fs, WORKLOAD_OPTIONS);
  const seen = watch(fs);
  fs.inject(fault);
  const outcome = await runWorkload(store, history, true);
  if (outcome.firstError !== undefined && seen.failed !== undefined && STOPPING.includes(seen.failed)) {
    const { call, error } = outcome.firstError;
    const stopped = `expected: after ${call} rejected (${show(error)}), every later call rejects: a failed ${seen.failed} stops the store`;
    if (outcome.lateSuccess !== undefined) throw new Mismatch(`${doing}\n  ${stopped}\n  received: ${outcome.lateSuccess}, made after that, resolved`);
    if (!(await rejects(() => store.put(b('one-more'), b('put'))))) throw new Mismatch(`${doing}\n  ${stopped}\n  received: one more put, made after the workload, resolved`);
    if (!(await rejects(() => store.get(b('one-more'))))) throw new Mismatch(`${doing}\n  ${stopped}\n  received: a get, made after the workload, resolved`);
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
  if (history.match(found) === -1) throw new Mismatch(`${after}\n${history.explain(found)}`);
}

rule('06-F01', 'EIO or ENOSPC at any step: nothing unsaved is acknowledged, the store stops, the reopened store has every acknowledged write', 'When the disk fails', async (stage) => {
  const probe = simDisk();
  const first = await open(stage, probe, WORKLOAD_OPTIONS);
  const seen = watch(probe);
  await runWorkload(first, new History(), false);
  await first.close();
  const all = [...seen.ops.values()].reduce((sum, n) => sum + n, 0);
  const writes = (seen.ops.get('write') ?? 0) + (seen.ops.get('append') ?? 0);
  const plans: { fault: (nth: number) => FaultRule; steps: number; what: string }[] = [
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO' }), steps: all, what: 'EIO once, on file-system operation' },
    { fault: (nth) => ({ op: 'any', nth, code: 'EIO', persist: true }), steps: all, what: 'EIO for good (a dead disk), from file-system operation' },
    { fault: (nth) => ({ op: ['write', 'append'], nth, code: 'ENOSPC', persist: true }), steps: writes, what: 'ENOSPC for good (a full disk), from write' },
  ];
  for (const { fault, steps, what } of plans) {
    for (let nth = 0; nth < steps; nth++) {
      await failAt(stage, fault(nth), `${WORKLOAD_TEXT}, then close; ${what} #${nth} of ${steps}`);
    }
  }
});
