// Elle-style histories for 07-H01 and 07-H02: concurrent clients run list-append transactions
// (an append gets a key's list and puts it back one number longer, and is recorded as the read
// it made and the append; a read is a get; a scan is recorded as a scan of its range) on a few
// keys; the recorded history goes to the checker.

import fc from 'fast-check';
import { Mismatch, mismatch, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { checkHistory, forbiddenUnder, formatAnomaly, type MicroOp, type Txn } from '../../harness/history/index.ts';
import type { Isolation, Stage07, Transaction } from '../../stages/07-transactions/contract.ts';
import { b, codeOf, open, simDisk, text, yieldNow } from './setup.ts';

type PlanOp = { f: 'append' | 'read'; key: number } | { f: 'scan'; from: number; to: number };
interface PlanTxn {
  ops: PlanOp[];
  /** Turns of the event loop to yield after each op, and before the commit. */
  pauses: number[];
}
export interface Plan {
  keys: number;
  clients: PlanTxn[][];
  /** Seeds the simulated disk's jitter: its I/O completes out of order. */
  ioSeed: number;
}

/** Random plans: 3–5 keys, 2–5 clients of 1–10 transactions of 1–4 operations each (scans only when asked). */
export function plans(withScans: boolean): fc.Arbitrary<Plan> {
  const key = fc.integer({ min: 0, max: 4 });
  const single = fc.record({ f: fc.constantFrom<'append' | 'read'>('append', 'append', 'read'), key });
  const scan = fc.record({ f: fc.constant('scan' as const), from: key, to: key }).map((s) => ({ ...s, from: Math.min(s.from, s.to), to: Math.max(s.from, s.to) }));
  const op: fc.Arbitrary<PlanOp> = withScans ? fc.oneof({ weight: 4, arbitrary: single }, { weight: 1, arbitrary: scan }) : single;
  const txn = fc.array(op, { minLength: 1, maxLength: 4 }).chain((ops) => fc.record({ ops: fc.constant(ops), pauses: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: ops.length + 1, maxLength: ops.length + 1 }) }));
  return fc.record({
    keys: fc.integer({ min: 3, max: 5 }),
    clients: fc.array(fc.array(txn, { minLength: 1, maxLength: 10 }), { minLength: 2, maxLength: 5 }),
    ioSeed: fc.integer({ min: 1, max: 1_000_000 }),
  });
}

const keyName = (i: number) => `k${i}`;

/** A list as stored: its numbers joined by spaces. */
function parse(bytes: Uint8Array | undefined, doing: string): number[] {
  const value = text(bytes);
  if (value === undefined) return [];
  const list = value === '' ? [] : value.split(' ').map(Number);
  if (list.some((n) => !Number.isSafeInteger(n))) throw mismatch(doing, 'a list of numbers that appends wrote, such as "3 17 42"', show(bytes));
  return list;
}

/** Runs one plan on a fresh store; returns the history, a final read of every key included. */
export async function runPlan(stage: Stage07, plan: Plan, isolation: Isolation): Promise<Txn[]> {
  const store = await open(stage, simDisk(plan.ioSeed, true), { sync: 'commit' });
  const history: Txn[] = [];
  let nextId = 1;
  let nextValue = 1;
  const keys = Array.from({ length: plan.keys }, (_, i) => i);
  const runTxn = async (process: number, txn: PlanTxn): Promise<void> => {
    const id = nextId++;
    const ops: MicroOp[] = [];
    const record: Txn = { id, process, status: 'ok', ops };
    let tx: Transaction | undefined;
    const doing = (what: string) => `T${id} (client ${process}, isolation '${isolation}'): ${what}`;
    try {
      tx = store.begin({ isolation });
      for (const [i, op] of txn.ops.entries()) {
        if (op.f === 'scan') {
          const found: Record<string, number[]> = {};
          const [low, high] = [keyName(op.from % plan.keys), keyName(op.to % plan.keys)];
          const [gte, lte] = low <= high ? [low, high] : [high, low];
          for await (const entry of tx.scan({ gte: b(gte), lte: b(lte) })) found[text(entry.key)!] = parse(entry.value, doing(`scan ${gte}…${lte}`));
          ops.push({ f: 'scan', from: gte, to: lte, value: found });
        } else {
          const k = keyName(op.key % plan.keys);
          const list = parse(await tx.get(b(k)), doing(`get ${k}`));
          ops.push({ f: 'read', key: k, value: list });
          if (op.f === 'append') {
            const value = nextValue++;
            await tx.put(b(k), b([...list, value].join(' ')));
            ops.push({ f: 'append', key: k, value });
          }
        }
        for (let p = txn.pauses[i]!; p > 0; p--) await yieldNow();
      }
      for (let p = txn.pauses.at(-1)!; p > 0; p--) await yieldNow();
      await tx.commit();
    } catch (error) {
      rethrowStub(error);
      if (error instanceof Mismatch) throw error;
      if (codeOf(error) !== 'CONFLICT') throw mismatch(doing('a call'), 'it succeeds, or the commit rejects with code CONFLICT', `${show(error)} (code ${show(codeOf(error))})`);
      record.status = 'fail';
      for (const op of ops) if (op.f !== 'append') op.value = null;
      await tx?.rollback().catch(() => undefined);
    }
    history.push(record);
  };
  const client = async (process: number, txns: PlanTxn[]) => {
    for (const txn of txns) await runTxn(process, txn);
  };
  await Promise.all(plan.clients.map((txns, process) => client(process, txns)));
  // A last transaction, alone, reads every key: the checker then knows every list's final order.
  const final: Txn = { id: nextId++, process: plan.clients.length, status: 'ok', ops: [] };
  try {
    const tx = store.begin({ isolation });
    for (const k of keys.map(keyName)) final.ops.push({ f: 'read', key: k, value: parse(await tx.get(b(k)), `the final read of ${k}`) });
    await tx.commit();
  } catch (error) {
    rethrowStub(error);
    if (error instanceof Mismatch) throw error;
    throw mismatch('after every client finished, one transaction alone read every key and committed', 'it succeeds (nothing runs beside it)', `${show(error)} (code ${show(codeOf(error))})`);
  }
  history.push(final);
  await store.close();
  return history;
}

/** Checks a history: no anomaly that `isolation` forbids, and some commits. */
export function checkPlan(history: Txn[], plan: Plan, isolation: Isolation, withScans: boolean): void {
  const result = checkHistory(history);
  const forbidden = forbiddenUnder(isolation, result.anomalies);
  const { committed, txns } = result.stats;
  const what =
    `isolation '${isolation}': ${plan.clients.length} clients ran ${txns - 1} transactions at once on keys k0…k${plan.keys - 1} ` +
    `(an append gets the key's list, r, and puts it back with one new number, a; a read is a get, r${withScans ? '; a scan, s, reads each key of its range, absent ones as []' : ''}), ` +
    `then one more read every key alone: of these ${txns}, ${committed} committed and ${txns - committed} were refused with CONFLICT`;
  if (forbidden.length > 0) {
    const more = forbidden.length > 1 ? `\n  (and ${forbidden.length - 1} more: ${forbidden.slice(1, 6).map((a) => a.label ?? a.name).join(', ')}${forbidden.length > 6 ? ', …' : ''})` : '';
    throw mismatch(what, `no anomaly that '${isolation}' forbids`, `${forbidden[0]!.label ?? forbidden[0]!.name}, found in the history by the checker:\n${formatAnomaly(forbidden[0]!).replace(/^/gm, '    ')}${more}`);
  }
  // Snapshot isolation checks only writes: a transaction that wrote nothing always commits.
  const readOnly = history.find((t) => t.status !== 'ok' && t.ops.every((op) => op.f !== 'append'));
  if (readOnly !== undefined) {
    const read = [...new Set(readOnly.ops.map((op) => (op.f === 'scan' ? `${op.from}…${op.to}` : op.key)))].join(', ');
    throw mismatch(what, 'every transaction that only read commits (it wrote nothing: it read one snapshot, a serial point of its own)', `T${readOnly.id}, which only read ${read}, was refused with CONFLICT`);
  }
}
