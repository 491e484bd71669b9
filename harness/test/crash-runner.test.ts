// Unit tests of the kill -9 crash runner's pure parts — the checker on hand-written histories,
// the tracker, the seeded workloads and kill moments, the flags — one short real run against
// the stage 03 reference, and one against a stage 07 reference whose recovery drops the last
// commit, which the bank workload must see.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from '../cli/args.ts';
import { bankProblems, conservationProblems, LEDGER_PREFIX, ledgerProblems } from '../crash/bank.ts';
import { type CycleFacts, checkCycle, matchPrefix, type TrackedOp } from '../crash/checker.ts';
import { killPlan } from '../crash/child-process.ts';
import { type CrashOptions, parseCrashArgs, replayCommand } from '../crash/options.ts';
import { buildMutant } from '../mutants/run-mutants.ts';
import { cycleRng } from '../crash/random.ts';
import { runCrash } from '../crash/run.ts';
import { CycleTracker } from '../crash/tracker.ts';
import { type Step, WORKLOADS } from '../crash/workload.ts';

const put = (seq: number, key: string, value: string, state: TrackedOp['state'] = 'acknowledged'): TrackedOp => ({ seq, op: 'put', key, value, state });
const del = (seq: number, key: string, state: TrackedOp['state'] = 'acknowledged'): TrackedOp => ({ seq, op: 'delete', key, state });

function check(ops: TrackedOp[], observed: Record<string, string>, more: Partial<CycleFacts> = {}) {
  return checkCycle({ cycle: 1, before: new Map(), ops, observed: new Map(Object.entries(observed)), ...more });
}

describe('the checker, latest acknowledged value per key', () => {
  test('every acknowledged write present: no problem', () => {
    expect(check([put(1, 'a', 'a1'), put(2, 'b', 'b1'), put(3, 'a', 'a2')], { a: 'a2', b: 'b1' })).toEqual([]);
  });

  test('a lost acknowledged write is reported: key absent', () => {
    const problems = check([put(1, 'a', 'a1'), put(2, 'b', 'b1')], { a: 'a1' });
    expect(problems).toEqual([{ cycle: 1, key: 'b', kind: 'lost', expected: '"b1" from put #2, acknowledged', found: undefined }]);
  });

  test('a lost acknowledged write is reported: an older value in its place', () => {
    const [problem, ...rest] = check([put(1, 'a', 'a1'), put(2, 'a', 'a2')], { a: 'a1' });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ key: 'a', kind: 'lost', found: 'a1' });
    expect(problem!.expected).toContain('put #2');
  });

  test('a value never written is reported as wrong', () => {
    expect(check([put(1, 'a', 'a1')], { a: 'garbage' })).toMatchObject([{ key: 'a', kind: 'wrong', found: 'garbage' }]);
    expect(check([], { ghost: 'x' })).toMatchObject([{ key: 'ghost', kind: 'wrong', expected: 'absent (never written)' }]);
  });

  test('an in-flight put reads as its old value or its new one, nothing else', () => {
    const ops = [put(1, 'a', 'old'), put(2, 'a', 'new', 'in-flight')];
    expect(check(ops, { a: 'old' })).toEqual([]);
    expect(check(ops, { a: 'new' })).toEqual([]);
    expect(check(ops, {})).toMatchObject([{ key: 'a', kind: 'lost' }]);
    expect(check(ops, { a: 'other' })).toMatchObject([{ key: 'a', kind: 'wrong' }]);
  });

  test('an in-flight put on a key that did not exist: absent or the new value', () => {
    expect(check([put(1, 'a', 'new', 'in-flight')], {})).toEqual([]);
    expect(check([put(1, 'a', 'new', 'in-flight')], { a: 'new' })).toEqual([]);
  });

  test('an in-flight delete: the old value or absent', () => {
    const ops = [put(1, 'a', 'old'), del(2, 'a', 'in-flight')];
    expect(check(ops, { a: 'old' })).toEqual([]);
    expect(check(ops, {})).toEqual([]);
  });

  test('a delete acknowledged but the key still present is a lost delete', () => {
    const problems = check([put(1, 'a', 'a1'), del(2, 'a')], { a: 'a1' });
    expect(problems).toEqual([{ cycle: 1, key: 'a', kind: 'lost', expected: 'absent from delete #2, acknowledged', found: 'a1' }]);
  });

  test('a write called earlier than an acknowledged one on the same key may not win, even in flight', () => {
    const ops = [put(1, 'a', 'first', 'in-flight'), put(2, 'a', 'second')];
    expect(check(ops, { a: 'second' })).toEqual([]);
    expect(check(ops, { a: 'first' })).toMatchObject([{ key: 'a', kind: 'lost' }]);
  });

  test('keys the cycle did not touch keep the value the cycle started with', () => {
    const before = new Map([['a', 'a0'], ['b', 'b0']]);
    expect(check([put(1, 'a', 'a1')], { a: 'a1', b: 'b0' }, { before })).toEqual([]);
    expect(check([put(1, 'a', 'a1')], { a: 'a1' }, { before })).toMatchObject([{ key: 'b', kind: 'lost', expected: '"b0" as the cycle started' }]);
  });

  test('an earlier cycle’s value is stale (lost), not invented', () => {
    const earlierWritten = new Map([['a', new Set(['a-older'])]]);
    expect(check([put(1, 'a', 'a1')], { a: 'a-older' }, { earlierWritten })).toMatchObject([{ kind: 'lost' }]);
  });

  test('stage 03: writes never saved must not appear; a save in flight may land or not', () => {
    const ops = [put(1, 'a', 'saved'), put(2, 'a', 'saving', 'in-flight'), put(3, 'a', 'memory', 'not-durable')];
    expect(check(ops, { a: 'saved' })).toEqual([]);
    expect(check(ops, { a: 'saving' })).toEqual([]);
    expect(check(ops, { a: 'memory' })).toMatchObject([{ key: 'a', kind: 'wrong' }]);
  });

  test('long values are cut short in messages, with their length', () => {
    const [problem] = check([put(1, 'a', 'x'.repeat(100))], {});
    expect(problem!.expected).toBe(`"${'x'.repeat(24)}…" (100 bytes) from put #1, acknowledged`);
  });
});

describe('the checker, a prefix of the history (stage 05: durable at a flush)', () => {
  // #1 and #2 flushed; #3 to #5 written since, in flight: any prefix of them may come back.
  const ops = [put(1, 'a', 'a1'), put(2, 'b', 'b1'), put(3, 'a', 'a2', 'in-flight'), del(4, 'b', 'in-flight'), put(5, 'c', 'c1', 'in-flight')];
  const prefix = true;

  test('the state after the flush, or after any write since, passes', () => {
    const states: Record<string, string>[] = [{ a: 'a1', b: 'b1' }, { a: 'a2', b: 'b1' }, { a: 'a2' }, { a: 'a2', c: 'c1' }];
    for (const observed of states) {
      expect(check(ops, observed, { prefix })).toEqual([]);
    }
  });

  test('a mix — a later write kept, an earlier one lost — is wrong, though every key passes alone', () => {
    const observed = { a: 'a1', b: 'b1', c: 'c1' }; // #5 landed, #3 and #4 did not
    expect(check(ops, observed)).toEqual([]);
    const [problem, ...rest] = check(ops, observed, { prefix });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ key: '(whole store)', kind: 'wrong' });
    expect(problem!.expected).toBe('the state after one write from #2 (the last flushed) to #5: a prefix of the history, never a mix');
    expect(problem!.foundText).toMatch(/^a mix; the nearest state, after #2, differs in 1 key\(s\): c holds "c1"/);
  });

  test('a lost flushed write is reported per key, as before', () => {
    expect(check(ops, { a: 'a2' }, { prefix: true, before: new Map() })).toEqual([]);
    expect(check(ops, {}, { prefix })).toMatchObject([{ key: 'a', kind: 'lost' }]);
  });

  test('matchPrefix names how many writes the store holds', () => {
    expect(matchPrefix(new Map(), ops, new Map([['a', 'a2']]))).toEqual({ applied: 4, differ: [] });
    expect(matchPrefix(new Map(), ops, new Map([['a', 'a1'], ['b', 'b1']]))).toEqual({ applied: 2, differ: [] });
  });
});

describe('the checker, any acknowledged value (the bank before transactions)', () => {
  const rule = 'any-acknowledged' as const;

  test('an older acknowledged balance is accepted; one never acknowledged is not', () => {
    const earlierAcknowledged = new Map([['acct:0', new Set(['100 c1.0'])]]);
    const ops = [put(5, 'acct:0', '90 c2.0'), put(6, 'acct:0', '80 c2.1', 'in-flight')];
    for (const value of ['100 c1.0', '90 c2.0', '80 c2.1']) expect(check(ops, { 'acct:0': value }, { rule, earlierAcknowledged })).toEqual([]);
    expect(check(ops, { 'acct:0': '1000 c9.9' }, { rule, earlierAcknowledged })).toMatchObject([{ kind: 'wrong' }]);
    expect(check(ops, {}, { rule, earlierAcknowledged })).toMatchObject([{ kind: 'lost' }]);
  });

  test('an account never acknowledged may be absent', () => {
    expect(check([put(1, 'acct:0', '100 c1.0', 'in-flight')], {}, { rule })).toEqual([]);
  });

  test('the conservation invariant: the balances add up to what was opened', () => {
    const even = new Map(Array.from({ length: 6 }, (_, i) => [`acct:${i}`, `100 c1.${i}`] as const));
    expect(conservationProblems(even)).toEqual([]);
    expect(conservationProblems(new Map([...even, ['acct:0', '90 c2.0']]))).toEqual([expect.stringContaining('add up to 590, not 600')]);
  });

  test('the ledger: each balance is its opening plus the transfers recorded, so a half-applied transfer shows', () => {
    const opened = new Map(Array.from({ length: 6 }, (_, i) => [`acct:${i}`, `100 c1.${i}`] as const));
    const moved = new Map([...opened, ['acct:0', '93 c1.6'], ['acct:1', '107 c1.7'], [`${LEDGER_PREFIX}c1.8`, 'acct:0 acct:1 7']]);
    expect(bankProblems(moved)).toEqual([]);
    // The credit without the debit and the record: the total is off, and so is acct:1 against the ledger.
    expect(bankProblems(new Map([...opened, ['acct:1', '107 c1.7']]))).toEqual([
      expect.stringContaining('add up to 607, not 600'),
      expect.stringContaining('acct:1 holds 107, but its opening 100 and the 0 transfer(s) in the ledger make 100'),
    ]);
    // Both balances without the record: the total holds, the ledger does not.
    const unrecorded = new Map([...opened, ['acct:0', '93 c1.6'], ['acct:1', '107 c1.7']]);
    expect(conservationProblems(unrecorded)).toEqual([]);
    expect(ledgerProblems(unrecorded)).toHaveLength(2);
    expect(ledgerProblems(new Map([[`${LEDGER_PREFIX}c1.8`, 'acct:0 acct:1 7']]))).toEqual([
      'acct:0 is missing, but 1 transfer(s) in the ledger name it',
      'acct:1 is missing, but 1 transfer(s) in the ledger name it',
    ]);
  });
});

describe('the tracker', () => {
  test('stage 04: begun writes are in flight until acknowledged', () => {
    const tracker = new CycleTracker('per-op');
    tracker.take({ type: 'ready' });
    tracker.take({ type: 'begin', seq: 7, op: 'put', key: 'a', value: 'v' });
    tracker.take({ type: 'begin', seq: 8, op: 'delete', key: 'b' });
    tracker.take({ type: 'ack', seq: 7, op: 'put', key: 'a', value: 'v' });
    expect(tracker.result().map((op) => [op.seq, op.state])).toEqual([[7, 'acknowledged'], [8, 'in-flight']]);
    expect(tracker.acks).toBe(1);
    expect(tracker.nextSeq(7)).toBe(9);
  });

  test('stage 03: writes are memory-only until a save covers them, then in flight, then acknowledged', () => {
    const tracker = new CycleTracker('on-save');
    for (const seq of [1, 2, 3]) tracker.take({ type: 'begin', seq, op: 'put', key: 'k', value: String(seq) });
    tracker.take({ type: 'save', through: 1 });
    tracker.take({ type: 'saved', through: 1 });
    tracker.take({ type: 'save', through: 2 });
    expect(tracker.result().map((op) => op.state)).toEqual(['acknowledged', 'in-flight', 'not-durable']);
    expect(tracker.saveInFlight()).toBe(true);
  });
});

describe('stage 05', () => {
  test('the tracker: writes since the last completed flush are in flight, never "not durable"', () => {
    const tracker = new CycleTracker('on-flush');
    for (const seq of [1, 2, 3]) tracker.take({ type: 'begin', seq, op: 'put', key: 'k', value: String(seq) });
    tracker.take({ type: 'save', through: 2 });
    tracker.take({ type: 'saved', through: 2 });
    expect(tracker.result().map((op) => op.state)).toEqual(['acknowledged', 'acknowledged', 'in-flight']);
    expect(tracker.acks).toBe(1);
  });

  test('workloads draw flushes only for a stage that has them, from the seed', () => {
    for (const name of ['kv', 'bank']) {
      const steps = (flushOdds?: number) => {
        const generator = WORKLOADS[name]!.steps({ rng: cycleRng(7, 1, 'workload'), cycle: 1, initial: new Map(), maxBatch: 6, canCompact: false, ...(flushOdds === undefined ? {} : { flushOdds }) });
        return Array.from({ length: 60 }, () => generator.next().value);
      };
      expect(steps().some((step) => step.kind === 'flush')).toBe(false);
      expect(steps(4).filter((step) => step.kind === 'flush').length).toBeGreaterThan(5);
      expect(steps(4)).toEqual(steps(4));
    }
  });

  test('--stage 05 takes --engine; the replay keeps it', () => {
    const options = parseCrashArgs(['--stage', '05', '--engine', 'btree', '--target', 'reference', '--seed', '3']) as CrashOptions;
    expect(options).toMatchObject({ stage: '05', engine: 'btree' });
    expect(parseCrashArgs(replayCommand(options).split(' ').slice(3))).toEqual(options);
    expect(() => parseCrashArgs(['--stage', '05', '--sync', 'always'])).toThrow(/has no sync policy/);
  });
});

describe('reproducibility', () => {
  const firstSteps = (name: string, seed: number, cycle: number): Step[] => {
    const steps = WORKLOADS[name]!.steps({ rng: cycleRng(seed, cycle, 'workload'), cycle, initial: new Map(), maxBatch: 4, canCompact: true });
    return Array.from({ length: 30 }, () => steps.next().value);
  };

  test('a workload depends only on the seed and the cycle', () => {
    for (const name of ['kv', 'bank']) {
      expect(firstSteps(name, 42, 3)).toEqual(firstSteps(name, 42, 3));
      expect(firstSteps(name, 42, 3)).not.toEqual(firstSteps(name, 42, 4));
    }
  });

  test('so does the kill moment', () => {
    expect(killPlan(42, 3, 100)).toEqual(killPlan(42, 3, 100));
    const plans = Array.from({ length: 50 }, (_, i) => killPlan(42, i + 1, 100));
    expect(new Set(plans.map((p) => p.afterAcks)).size).toBeGreaterThan(10);
    expect(plans.every((p) => p.afterAcks >= 0 && p.afterAcks <= 100)).toBe(true);
  });

  test('the replay command parses back to the same options', () => {
    const options = parseCrashArgs(['--stage', '4', '--target', 'reference', '--seed', '12', '--sync', 'always', '--cycles', '7']) as CrashOptions;
    expect(options).toMatchObject({ stage: '04', target: 'reference', seed: 12, sync: 'always', cycles: 7, workload: 'kv' });
    expect(parseCrashArgs(replayCommand(options).split(' ').slice(3))).toEqual(options);
  });

  test('bad flags are usage errors; the bank total is refused before stage 07', () => {
    expect(() => parseCrashArgs(['--stage', '03', '--sync', 'always'])).toThrow(UsageError);
    expect(() => parseCrashArgs(['--stage', '02'])).toThrow(/has no driver/);
    expect(() => parseCrashArgs(['--workload', 'bank', '--conservation', '--seed', '1'])).toThrow(/not available before stage 07/);
    expect(parseCrashArgs(['--workload', 'bank', '--seed', '1'])).toMatchObject({ workload: 'bank', conservation: false });
  });
});

test('3 kill -9 cycles against the stage 03 reference lose nothing', async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'dbkata-crash-test-'));
  try {
    const lines: string[] = [];
    const options: CrashOptions = { stage: '03', target: 'reference', cycles: 3, seed: 7, dir: parent, workload: 'kv', conservation: false };
    const summary = await runCrash(options, (line) => lines.push(line));
    expect(summary.results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(summary.results.flatMap((r) => r.problems)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('cycle '))).toHaveLength(3);
    expect(summary.kept).toBe(false);
    expect(existsSync(summary.runDir)).toBe(false);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}, 15_000);

/**
 * Recovery that drops the last transaction of each log segment — a classic off-by-one in replay.
 * A whole transfer rolled back keeps the bank's total, and leaves each account a balance it was
 * acknowledged with, so only the ledger's missing record shows it (issue 11: the bank once
 * reported `lost 0` on this patch while the kv workload reported 71).
 */
const DROP_LAST_COMMIT = {
  id: 'crash-test-drop-last-commit',
  stage: '07',
  bug: 'recovery does not apply the last committed transaction of a segment',
  file: 'wal/wal-recovery.ts',
  find: '      for (const write of transaction) await apply(write);\n',
  replace: '      if (record !== records.findLast((r) => r.type === COMMIT)) for (const write of transaction) await apply(write);\n',
};

test('the bank workload catches a recovery that drops the last commit (the ledger, not the total)', async () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'dbkata-crash-test-'));
  const saved = { root: process.env.KATA_REFERENCE_ROOT, engine: process.env.KATA_ENGINE };
  // The children inherit the environment: they load the patched copy too.
  process.env.KATA_REFERENCE_ROOT = buildMutant(DROP_LAST_COMMIT);
  try {
    const options: CrashOptions = { stage: '07', target: 'reference', engine: 'lsm', cycles: 4, seed: 5, dir: parent, workload: 'bank', conservation: true };
    const summary = await runCrash(options, () => {});
    const problems = summary.results.flatMap((r) => r.problems);
    expect(summary.results.map((r) => r.error)).toEqual(summary.results.map(() => undefined));
    const lostTransfers = problems.filter((p) => p.kind === 'lost' && p.key.startsWith(LEDGER_PREFIX));
    expect(lostTransfers.length, `expected the ledger to show a lost transfer; the run found: ${JSON.stringify(problems)}; rerun: npx vitest run harness/test/crash-runner.test.ts`).toBeGreaterThan(0);
  } finally {
    for (const [name, value] of [['KATA_REFERENCE_ROOT', saved.root], ['KATA_ENGINE', saved.engine]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(parent, { recursive: true, force: true });
  }
}, 90_000);

test.each(['lsm', 'btree'] as const)('3 kill -9 cycles against the stage 05 reference (%s) keep a prefix from the last flush on', async (engine) => {
  const parent = mkdtempSync(path.join(tmpdir(), 'dbkata-crash-test-'));
  const saved = process.env.KATA_ENGINE;
  try {
    const options: CrashOptions = { stage: '05', target: 'reference', engine, cycles: 3, seed: 11, dir: parent, workload: 'kv', conservation: false };
    const summary = await runCrash(options, () => {});
    expect(summary.results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(summary.results.flatMap((r) => r.problems)).toEqual([]);
    expect(summary.results.reduce((sum, r) => sum + r.acknowledged, 0)).toBeGreaterThan(0);
  } finally {
    if (saved === undefined) delete process.env.KATA_ENGINE;
    else process.env.KATA_ENGINE = saved;
    rmSync(parent, { recursive: true, force: true });
  }
}, 20_000);
