// Stage 04 fault injection: power cuts at every step of a workload and of a compaction (clean
// and torn), EIO and ENOSPC at every step. Acknowledged writes always survive; nothing that
// was never written appears; a write in flight reads as its old or its new value.

import { expectTrue, failure, mismatch, rethrowStub } from '../../harness/assert.ts';
import { atEveryStep, describeFaultStep, describePoint } from '../../harness/crash-points.ts';
import type { FaultRule } from '../../harness/sim-fs/faults.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { LogStore, Stage04, SyncPolicy } from '../../stages/04-append-log/contract.ts';
import { b, contents, describeContents, open, rule, simDisk } from './setup.ts';
import { replayPoint } from '../../harness/replay.ts';

/**
 * What may be on disk for each key. Writes to a key are numbered in call order; once write n
 * is acknowledged, the key must hold write n or a later one (a later write may have landed
 * too, acknowledged or not), never an earlier one.
 */
class Ledger {
  /** Per key: every write in call order (undefined: a delete), and the first one still allowed. */
  private readonly keys = new Map<string, { writes: Array<string | undefined>; floor: number }>();

  /** Records a write about to be issued; returns its number for acknowledge(). */
  begin(key: string, value: string | undefined): number {
    const entry = this.keys.get(key) ?? { writes: [undefined], floor: 0 }; // write 0: absent
    this.keys.set(key, entry);
    return entry.writes.push(value) - 1;
  }

  acknowledge(key: string, write: number): void {
    const entry = this.keys.get(key)!;
    entry.floor = Math.max(entry.floor, write);
  }

  private allowed(key: string): Set<string | undefined> {
    const entry = this.keys.get(key);
    return new Set(entry === undefined ? [undefined] : entry.writes.slice(entry.floor));
  }

  /** Problems with what a reopened store holds. */
  async check(store: LogStore): Promise<string[]> {
    const problems: string[] = [];
    const found = new Map<string, string>();
    for await (const { key, value } of store.scan()) found.set(new TextDecoder().decode(key), new TextDecoder().decode(value));
    for (const [key, value] of found) {
      if (!this.keys.has(key)) problems.push(`key ${key} = ${value} was never written`);
    }
    for (const key of this.keys.keys()) {
      const values = this.allowed(key);
      const value = found.get(key);
      if (!values.has(value)) {
        const expected = [...values].map((v) => (v === undefined ? '(absent)' : v)).join(' or ');
        problems.push(`key ${key}: expected ${expected}, found ${value ?? '(absent)'}`);
      }
    }
    return problems;
  }
}

/** Puts, overwrites, deletes and a burst of concurrent puts, each recorded in the ledger. */
async function workload(store: LogStore, ledger: Ledger): Promise<void> {
  const one = async (key: string, value: string | undefined) => {
    const write = ledger.begin(key, value);
    if (value === undefined) await store.delete(b(key));
    else await store.put(b(key), b(value));
    ledger.acknowledge(key, write);
  };
  await one('a', 'a1');
  await one('b', 'b1');
  await one('a', 'a2');
  await one('b', undefined);
  await Promise.all([one('c', 'c1'), one('d', 'd1'), one('e', 'e1'), one('a', 'a3')]);
  await one('big', 'x'.repeat(1500));
  for (let i = 0; i < 12; i++) await one(`k${i % 4}`, i % 5 === 4 ? undefined : `v${i}`);
  await Promise.all([one('c', 'c2'), one('c', 'c3'), one('big', undefined), one('f', 'f1'), one('k1', 'w1')]);
}

function crashWorkload(stage: Stage04, sync: SyncPolicy) {
  return async (point: { ledger?: Ledger }, fs: SimFileSystem) => {
    const ledger = new Ledger();
    point.ledger = ledger;
    const store = await open(stage, fs, { sync });
    const write = ledger.begin('old', 'kept');
    await store.put(b('old'), b('kept'));
    ledger.acknowledge('old', write);
    return { mark: fs.mutatingOps, start: fs.operations, workload: () => workload(store, ledger) };
  };
}

async function reopenAndCheck(stage: Stage04, fs: SimFileSystem, ledger: Ledger, doing: string): Promise<void> {
  let store: LogStore;
  try {
    store = await open(stage, fs);
  } catch (error) {
    rethrowStub(error);
    throw mismatch(doing, 'the store reopens (a torn tail is cut off, not refused)', String(error));
  }
  const problems = await ledger.check(store);
  if (problems.length > 0) throw failure(doing, `  ${problems.join('\n  ')}\n  store holds: ${describeContents(await contents(store))}`);
}

async function crashAtEveryStep(stage: Stage04, sync: SyncPolicy): Promise<void> {
  const state: { ledger?: Ledger } = {};
  const prepare = crashWorkload(stage, sync);
  await atEveryStep(
    (fs) => prepare(state, fs),
    (fs, point) => reopenAndCheck(stage, fs, state.ledger!, `puts, deletes and concurrent puts with sync '${sync}' — ${describePoint(point)}`),
    ['durable', 'torn'],
  );
}

rule('04-C01', "sync 'always': a power cut at any step keeps every acknowledged write, and nothing else", 'Durable writes', (stage) => crashAtEveryStep(stage, 'always'));

rule('04-C02', "sync 'batch': a power cut at any step keeps every acknowledged write, and nothing else", 'Durable writes', (stage) => crashAtEveryStep(stage, 'batch'));

rule('04-C03', 'a power cut at any step of a compaction loses nothing', 'Compaction', async (stage) => {
  let expected: string[] = [];
  await atEveryStep(
    async (fs) => {
      const store = await open(stage, fs);
      for (let i = 0; i < 30; i++) await store.put(b(`k${i % 6}`), b(`v${i}`));
      await store.delete(b('k2'));
      expected = await contents(store);
      return { mark: fs.mutatingOps, workload: () => store.compact() };
    },
    async (fs, point) => {
      const doing = `30 puts over 6 keys, delete k2, compact — ${describePoint(point)}`;
      let found: string[];
      try {
        found = await contents(await open(stage, fs));
      } catch (error) {
        rethrowStub(error);
        throw mismatch(doing, 'the store reopens', String(error));
      }
      expectTrue(found.join() === expected.join(), doing, `expected: ${describeContents(expected)}\n  received: ${describeContents(found)}`);
    },
    ['durable', 'torn'],
  );
});

/** EIO or ENOSPC on the n-th file-system operation of the workload, for every n. */
async function failEachStep(stage: Stage04, code: FaultRule['code'], persist: boolean): Promise<void> {
  const prepare = crashWorkload(stage, 'batch');
  const probe = simDisk();
  const first = await prepare({}, probe);
  await first.workload();
  const steps = probe.operations - first.start;
  for (let nth = 0; nth <= steps; nth++) {
    if (!replayPoint(`${code} ${persist ? 'from' : 'at'} step ${nth + 1} of the workload`)) continue;
    const fs = simDisk();
    const state: { ledger?: Ledger } = {};
    const { workload, start } = await prepare(state, fs);
    fs.inject({ op: 'any', nth, code, persist });
    const step = () => describeFaultStep(fs, nth, steps, start);
    try {
      await workload();
    } catch (error) {
      rethrowStub(error);
      const received = (error as { code?: string }).code;
      expectTrue(typeof received === 'string', `${code} at ${step()}`, `a write that fails must reject with an error that has a code, got ${String(error)}`);
    }
    fs.faults.clear();
    fs.recover('durable');
    const how = `${code} ${persist ? `from ${step()} on` : `at ${step()}`} of the workload`;
    await reopenAndCheck(stage, fs, state.ledger!, `${how}, then a power cut`);
  }
}

rule('04-F01', 'an EIO at any step is never acknowledged as success', 'When the disk fails', (stage) => failEachStep(stage, 'EIO', false));

rule('04-F02', 'a disk that fills up (ENOSPC from some step on) loses no acknowledged write', 'When the disk fails', (stage) => failEachStep(stage, 'ENOSPC', true));

rule('04-F04', 'with writes finishing out of order, a record after a failed write is never acknowledged', 'When the disk fails', async (stage) => {
  // Six concurrent puts on a disk whose operations finish in a seeded random order, with an
  // EIO on each operation in turn: a put that resolved must survive the power cut after.
  for (let seed = 1; seed <= 24; seed++) {
    for (let nth = 0; nth < 14; nth++) {
      if (!replayPoint(`EIO at step ${nth + 1} of six concurrent puts (disk seed ${seed})`)) continue;
      const fs = simDisk(seed, true);
      const store = await open(stage, fs, { sync: 'batch' });
      await store.put(b('old'), b('kept'));
      const start = fs.operations;
      fs.inject({ op: 'any', nth, code: 'EIO' });
      const acknowledged: string[] = [];
      await Promise.all(['c', 'd', 'e', 'f', 'g', 'h'].map((k) => store.put(b(k), b(`v${k}`)).then(() => acknowledged.push(k), (error: unknown) => rethrowStub(error))));
      fs.faults.clear();
      fs.recover('durable');
      const found = await contents(await open(stage, fs));
      const lost = acknowledged.filter((k) => !found.includes(`"${k}"="v${k}"`));
      expectTrue(lost.length === 0, `six concurrent puts with an EIO at ${describeFaultStep(fs, nth, undefined, start)}, operations finishing out of order (disk seed ${seed}), then a power cut`, `acknowledged: ${acknowledged.join(' ')}\n  lost: ${lost.join(' ')}\n  store holds: ${describeContents(found)}`);
    }
  }
});

rule('04-F03', 'after a failed fsync, nothing is acknowledged until the store is reopened', 'When the disk fails', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'always' });
  await store.put(b('a'), b('1'));
  fs.inject({ op: 'sync', nth: 0, code: 'EIO' });
  let failed = false;
  await store.put(b('b'), b('2')).catch((error: unknown) => {
    rethrowStub(error);
    failed = true;
  });
  expectTrue(failed, 'put b with an EIO on its fsync must reject');
  const later = await store.put(b('c'), b('3')).then(
    () => 'resolved',
    () => 'rejected',
  );
  fs.recover('durable');
  const reopened = await open(stage, fs);
  const found = await contents(reopened);
  expectTrue(found.includes('"a"="1"'), 'a put acknowledged before the failed fsync survives', `found ${describeContents(found)}`);
  if (later === 'resolved') {
    expectTrue(found.includes('"c"="3"'), 'a put acknowledged after a failed fsync must be durable (the failed fsync may have dropped earlier data: stop instead)', `found ${describeContents(found)}`);
  }
});
