// Stage 03 fault injection: a power cut at every step of a save (with and without torn
// writes) leaves the old snapshot or the new one, never a mix; an acknowledged save survives;
// EIO and ENOSPC are reported and never acknowledged as success.

import { expectTrue, mismatch, rethrowStub } from '../../harness/assert.ts';
import { atEveryStep, describeFaultStep, describeLosses, describePoint } from '../../harness/crash-points.ts';
import type { FaultRule } from '../../harness/sim-fs/faults.ts';
import { b, contents, describeContents, DIR, rule, simDisk, storeWith } from './setup.ts';
import type { Stage03 } from '../../stages/03-persistence/contract.ts';
import { replayPoint } from '../../harness/replay.ts';

const OLD: Array<[string, string]> = [['a', 'old-a'], ['b', 'old-b'], ['c', 'old-c']];
const OLD_LINES = ['"a"="old-a"', '"b"="old-b"', '"c"="old-c"'];
const NEW_LINES = ['"b"="new-b"', '"c"="old-c"', '"d"="new-d"'];

/** The old snapshot is saved in set-up; the workload changes it and saves again. */
async function saveOverOld(stage: Stage03, fs: ReturnType<typeof simDisk>) {
  const store = await storeWith(stage, fs, OLD);
  const mark = fs.mutatingOps;
  return {
    mark,
    workload: async () => {
      await store.delete(b('a'));
      await store.put(b('b'), b('new-b'));
      await store.put(b('d'), b('new-d'));
      await store.save();
    },
  };
}

async function reopenContents(stage: Stage03, fs: ReturnType<typeof simDisk>, doing: string): Promise<string[]> {
  try {
    return await contents(await stage.openStore({ dir: DIR, fs }));
  } catch (error) {
    rethrowStub(error);
    throw mismatch(`${doing}: reopening failed`, 'the old or the new snapshot', (error as Error).message);
  }
}

rule('03-C01', 'a power cut at any step of a save leaves the old snapshot or the new one', 'Atomic save', async (stage) => {
  await atEveryStep(
    (fs) => saveOverOld(stage, fs),
    async (fs, point) => {
      const doing = `save {a, b, c}; then delete a, put b, put d, save again — ${describePoint(point)}`;
      const found = await reopenContents(stage, fs, doing);
      const same = (lines: string[]) => found.length === lines.length && found.every((line, i) => line === lines[i]);
      expectTrue(same(OLD_LINES) || same(NEW_LINES), doing, `expected: the old snapshot (${describeContents(OLD_LINES)}) or the new one (${describeContents(NEW_LINES)})\n  received: ${describeContents(found)}`);
      if (point.completed) {
        expectTrue(same(NEW_LINES), doing, `save() had resolved, so the new snapshot must survive\n  expected: ${describeContents(NEW_LINES)}\n  received: ${describeContents(found)}`);
      }
    },
    ['durable', 'torn'],
  );
});

rule('03-C02', 'the first save of a new store survives a power cut once it resolves', 'Atomic save', async (stage) => {
  await atEveryStep(
    async (fs) => ({
      mark: 0,
      workload: async () => {
        const store = await stage.openStore({ dir: DIR, fs });
        await store.put(b('k'), b('v'));
        await store.save();
      },
    }),
    async (fs, point) => {
      const doing = `open a new store in ${DIR}, put k v, save — ${describePoint(point)}`;
      const found = await reopenContents(stage, fs, doing);
      const ok = point.completed ? found.join() === '"k"="v"' : found.length === 0 || found.join() === '"k"="v"';
      expectTrue(ok, doing, `expected: ${point.completed ? '"k"="v" (the save had resolved)' : 'an empty store or "k"="v"'}\n  received: ${describeContents(found)}`);
    },
    ['durable'],
  );
});

/** Every way a save can meet a failing disk: each file-system step, once or for good. */
async function failEachStep(stage: Stage03, code: FaultRule['code'], persist: boolean): Promise<void> {
  const probe = simDisk();
  const scenario = await saveOverOld(stage, probe);
  const start = probe.operations;
  await scenario.workload();
  const steps = probe.operations - start;
  for (let nth = 0; nth < steps; nth++) {
    if (!replayPoint(`${code} ${persist ? 'from' : 'at'} step ${nth + 1} of ${steps} of the save`)) continue;
    const fs = simDisk();
    const { workload } = await saveOverOld(stage, fs);
    const start = fs.operations;
    fs.inject({ op: 'any', nth, code, persist });
    let acknowledged = false;
    let failure: unknown;
    try {
      await workload();
      acknowledged = true;
    } catch (error) {
      rethrowStub(error);
      failure = error;
    }
    const step = describeFaultStep(fs, nth, steps, start);
    const doing = `save over an old snapshot with ${code} ${persist ? `from ${step} on` : `at ${step}`}`;
    if (!acknowledged) {
      const code = (failure as { code?: string })?.code;
      expectTrue(typeof code === 'string' && code.length > 0, doing, `save() must reject with the file system's error (a code such as EIO), got ${String(failure)}`);
    }
    fs.faults.clear();
    fs.recover('durable');
    const found = await reopenContents(stage, fs, doing);
    const isNew = found.join() === NEW_LINES.join();
    const isOld = found.join() === OLD_LINES.join();
    const lost = describeLosses(fs);
    if (acknowledged) expectTrue(isNew, `${doing}: save() resolved, then the power went out`, `expected: ${describeContents(NEW_LINES)}\n  received: ${describeContents(found)}${lost}`);
    else expectTrue(isOld || isNew, `${doing}: save() rejected, then the power went out`, `expected: the old or the new snapshot\n  received: ${describeContents(found)}${lost}`);
  }
}

rule('03-F01', 'an EIO at any step of a save is reported, and never acknowledged as success', 'When the disk fails', (stage) => failEachStep(stage, 'EIO', false));

rule('03-F02', 'a full disk (ENOSPC from some step on) fails the save and keeps the old snapshot', 'When the disk fails', (stage) => failEachStep(stage, 'ENOSPC', true));

rule('03-F03', 'after a failed save the store still works, and a later save succeeds', 'When the disk fails', async (stage) => {
  const fs = simDisk();
  const store = await storeWith(stage, fs, OLD);
  await store.put(b('d'), b('new-d'));
  fs.inject({ op: 'sync', nth: 0, code: 'EIO' });
  let failed = false;
  await store.save().catch((error: unknown) => {
    rethrowStub(error);
    failed = true;
  });
  expectTrue(failed, 'save() with an EIO on its fsync must reject');
  await store.put(b('e'), b('new-e'));
  await store.save();
  fs.recover('durable');
  const found = await reopenContents(stage, fs, 'a save that failed with EIO, then put e, save again, power cut');
  expectTrue(found.includes('"d"="new-d"') && found.includes('"e"="new-e"'), 'after a failed save and a successful one, both new keys must be on disk', `received: ${describeContents(found)}`);
});

rule('03-C03', 'every directory openStore creates survives a power cut, not only the last one', 'Saving and opening', async (stage) => {
  const dir = '/srv/kata/db';
  await atEveryStep(
    async (fs) => ({
      mark: 0,
      workload: async () => {
        const store = await stage.openStore({ dir, fs });
        await store.put(b('k'), b('v'));
        await store.save();
      },
    }),
    async (fs, point) => {
      if (!point.completed) return; // before save() resolved, anything (even no directory) is allowed
      const doing = `open a new store in ${dir} (none of its directories exists), put k v, save — ${describePoint(point)}`;
      let found: string[];
      try {
        found = await contents(await stage.openStore({ dir, fs }));
      } catch (error) {
        rethrowStub(error);
        throw mismatch(`${doing}: reopening failed`, '"k"="v"', (error as Error).message);
      }
      expectTrue(found.join() === '"k"="v"', doing, `save() had resolved, so its snapshot (and every directory above it) must survive\n  expected: "k"="v"\n  received: ${describeContents(found)}`);
    },
    ['durable'],
  );
});

/** A fresh store holding OLD and one more put, with `faults` armed; returns the store and its save's outcome. */
async function failedSave(stage: Stage03, faults: FaultRule[]) {
  const fs = simDisk();
  const store = await storeWith(stage, fs, OLD);
  await store.put(b('d'), b('new-d'));
  for (const fault of faults) fs.inject(fault);
  let failure: unknown;
  const saving = store.save().catch((error: unknown) => {
    rethrowStub(error);
    failure = error ?? new Error('rejected with nothing');
  });
  return { fs, store, saving, failure: async () => (await saving, failure as { code?: string; message?: string } | undefined) };
}

rule('03-F04', 'a failed save removes its temporary file', 'When the disk fails', async (stage) => {
  const cases: Array<[string, FaultRule[]]> = [
    ['ENOSPC on every write (a full disk)', [{ op: 'write', nth: 0, code: 'ENOSPC', persist: true }]],
    ['EIO on the fsync', [{ op: 'sync', nth: 0, code: 'EIO' }]],
    ['EIO on the rename', [{ op: 'rename', nth: 0, code: 'EIO' }]],
  ];
  for (const [what, faults] of cases) {
    const { fs, failure } = await failedSave(stage, faults);
    const doing = `save {a, b, c}, put d, save with ${what}`;
    expectTrue((await failure()) !== undefined, doing, 'expected: save() rejects\n  received: it resolved');
    const names = await fs.readdir(DIR);
    expectTrue(!names.some((name) => name.endsWith('.tmp')), `${doing}, then list ${DIR}`, `expected: no temporary file left (it holds disk space until the next open)\n  received: ${names.join(', ')}`);
  }
});

rule('03-F05', 'close() waits for a save that fails, and resolves: the save reported the failure', 'When the disk fails', async (stage) => {
  const { store, failure } = await failedSave(stage, [{ op: 'sync', nth: 0, code: 'EIO' }]);
  let closeError: unknown;
  const closed = await Promise.resolve(store.close()).then(() => true, (error: unknown) => {
    rethrowStub(error);
    closeError = error;
    return false;
  });
  expectTrue((await failure()) !== undefined, 'save with an EIO on its fsync, then close() at once', 'expected: save() rejects\n  received: it resolved');
  expectTrue(closed, 'save with an EIO on its fsync, then close() at once', `expected: close() resolves once the save has finished (save() already reported the EIO)\n  received: close() rejected with ${String(closeError)}`);
});

rule('03-F06', 'when closing the temporary file fails too, save() rejects with the first error, the cause', 'When the disk fails', async (stage) => {
  const { failure } = await failedSave(stage, [{ op: 'write', nth: 0, code: 'ENOSPC', persist: true }, { op: 'close', nth: 0, code: 'EIO' }]);
  const error = await failure();
  expectTrue(error?.code === 'ENOSPC', 'save with ENOSPC on the write, then EIO on closing the temporary file', `expected: save() rejects with ENOSPC (what went wrong first, and what the user can act on)\n  received: ${error === undefined ? 'save() resolved' : `${String(error.code)}: ${error.message}`}`);
});
