// Stage 07 old versions (rule 7), measured by stats().versions: thousands of short transactions
// over a few keys keep the count bounded and do not slow down; a long-lived snapshot keeps, and
// still reads, exactly its old values after thousands of later commits, and they go once it ends.

import { expectSame, expectTrue } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import type { Stage07, Transaction, TxStore } from '../../stages/07-transactions/contract.ts';
import { b, begin, KiB, must, open, rule, scanText, simDisk, text } from './setup.ts';

const KEYS = 50;
const keyOf = (n: number) => `key:${String(n % KEYS).padStart(2, '0')}`;

/** `count` short transactions, numbered from `from`: each reads one key and overwrites it (every 10th a second key too). */
async function shortTransactions(store: TxStore, model: Map<string, string>, from: number, count: number, doing: string): Promise<number> {
  const started = performance.now();
  for (let i = from; i < from + count; i++) {
    const tx = begin(store, `${doing}, transaction ${i}`);
    const key = keyOf(i);
    const what = `${doing}, transaction ${i}: get ${key}, put ${key}${i % 10 === 0 ? `, put ${keyOf(i * 7 + 3)}` : ''}, commit`;
    const seen = text(await must(() => tx.get(b(key)), what));
    expectSame(seen, model.get(key), `${what}: what get ${key} returned (no other transaction runs beside it)`);
    const value = `t${i}`.padEnd(40, '.');
    await must(() => tx.put(b(key), b(value)), what);
    model.set(key, value);
    if (i % 10 === 0) {
      await must(() => tx.put(b(keyOf(i * 7 + 3)), b(value)), what);
      model.set(keyOf(i * 7 + 3), value);
    }
    await must(() => tx.commit(), `${what} (no other transaction runs beside it: nothing can conflict)`);
  }
  return performance.now() - started;
}

/** 2 × the keys the store holds + 100: rule 7's bound on the versions kept with no transaction open. */
const bound = (model: ReadonlyMap<string, string>) => 2 * model.size + 100;

/** stats().versions, checked to be a count. */
async function versionsKept(store: TxStore, doing: string): Promise<number> {
  const stats = await must(() => store.stats(), `${doing}; store.stats()`);
  const versions = (stats as { versions?: unknown }).versions;
  expectTrue(Number.isSafeInteger(versions) && (versions as number) >= 0, `${doing}; store.stats().versions`, `expected: the number of old versions kept (a whole number, 0 or more)\n  received: ${show(versions)}`);
  return versions as number;
}

/** Fails unless the versions kept are within rule 7's bound for no open transaction. */
async function expectBounded(store: TxStore, model: ReadonlyMap<string, string>, doing: string): Promise<void> {
  const versions = await versionsKept(store, doing);
  expectTrue(versions <= bound(model), `${doing}, no transaction open; store.stats().versions`, `expected: at most ${bound(model)} (2 × the ${model.size} keys + 100), however many commits came before\n  received: ${versions}: old versions are not collected`);
}

/** Opens with the suite's 50 keys in place. */
async function fifty(stage: Stage07, model: Map<string, string>): Promise<TxStore> {
  const store = await open(stage, simDisk(), { sync: 'commit', memoryBudget: 64 * KiB, checkpointBytes: 64 * KiB });
  for (let n = 0; n < KEYS; n++) {
    await must(() => store.put(b(keyOf(n)), b(`initial ${n}`)), `store.put(${keyOf(n)})`);
    model.set(keyOf(n), `initial ${n}`);
  }
  return store;
}

const SETUP = `${KEYS} keys, then short transactions one at a time (begin, get a key, put it, commit)`;

const lines = (model: ReadonlyMap<string, string>) => [...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k}=${v}`);

/** A long transaction must still read, key by key and by scan, the state as of its begin. */
async function expectSnapshot(tx: Transaction, name: string, expected: ReadonlyMap<string, string>, doing: string): Promise<void> {
  for (let n = 0; n < KEYS; n += 7) {
    expectSame(text(await must(() => tx.get(b(keyOf(n))), `${doing}; ${name}.get(${keyOf(n)})`)), expected.get(keyOf(n)), `${doing}; ${name}.get(${keyOf(n)}): the value as of ${name}'s begin`);
  }
  expectSame(await must(() => scanText(tx), `${doing}; ${name}.scan()`), lines(expected), `${doing}; ${name}.scan(): the content as of ${name}'s begin`);
}

rule('07-G01', 'with no transaction open, the old versions kept stay bounded and commits do not slow down, however many commit', 'Rule 7: Versions are collected', async (stage) => {
  const model = new Map<string, string>();
  const store = await fifty(stage, model);
  await expectBounded(store, model, `${KEYS} keys put`);
  const early = await shortTransactions(store, model, 0, 500, SETUP);
  await expectBounded(store, model, `${SETUP}: 500 of them`);
  await shortTransactions(store, model, 500, 1000, SETUP);
  await expectBounded(store, model, `${SETUP}: 1,500 of them`);
  const late = await shortTransactions(store, model, 1500, 500, SETUP);
  await expectBounded(store, model, `${SETUP}: 2,000 of them`);
  expectTrue(late <= 4 * early + 250, `${SETUP}, no snapshot left open: transactions 1500–1999 must not be much slower than 0–499 (old versions must be collected)`, `the first 500 took ${early.toFixed(0)} ms, the last 500 ${late.toFixed(0)} ms`);
  expectSame(await scanText(store), lines(model), `${SETUP}: 2,000 of them; store.scan()`);
});

/** The old values open snapshots can read: each (key, value) they see that is no longer the newest. */
function readable(snapshots: readonly ReadonlyMap<string, string>[], model: ReadonlyMap<string, string>): number {
  const old = new Set<string>();
  for (const seen of snapshots) for (const [key, value] of seen) if (model.get(key) !== value) old.add(`${key}=${value}`);
  return old.size;
}

/** Fails unless the versions kept are at least what the open snapshots can read. */
async function expectKept(store: TxStore, snapshots: readonly ReadonlyMap<string, string>[], model: ReadonlyMap<string, string>, doing: string): Promise<void> {
  const versions = await versionsKept(store, doing);
  const needed = readable(snapshots, model);
  expectTrue(versions >= needed, `${doing}; store.stats().versions`, `expected: at least ${needed}, the old values the open snapshots can still read (every key changed since they began)\n  received: ${versions}`);
}

rule('07-G02', "a long snapshot's old versions are kept and readable after thousands of commits, and go once it ends", 'Rule 7: Versions are collected', async (stage) => {
  const model = new Map<string, string>();
  const store = await fifty(stage, model);
  await shortTransactions(store, model, 0, 100, SETUP);
  let doing = `${SETUP}: 100 of them; then L = begin() (left open)`;
  const long = begin(store, doing);
  const atLong = new Map(model);
  await shortTransactions(store, model, 100, 1000, doing);
  await expectKept(store, [atLong], model, `${doing}, 1,000 more`);
  doing += ', 1,000 more; then M = begin({ isolation: serializable }) (left open)';
  const middle = begin(store, doing, 'serializable');
  const atMiddle = new Map(model);
  for (let round = 0; round < 4; round++) {
    await shortTransactions(store, model, 1100 + round * 250, 250, doing);
    await expectSnapshot(long, 'L', atLong, `${doing}, ${(round + 1) * 250} more`);
  }
  doing += ', 1,000 more';
  await expectSnapshot(middle, 'M', atMiddle, doing);
  await expectKept(store, [atLong, atMiddle], model, doing);
  expectSame(await scanText(store), lines(model), `${doing}; store.scan(): every commit`);
  await must(() => middle.commit(), `${doing}; M.commit() (it only read)`);
  await must(() => long.rollback(), `${doing}; L.rollback()`);
  doing += '; M.commit(), L.rollback(); one more short transaction';
  await shortTransactions(store, model, 2100, 1, doing);
  await expectBounded(store, model, doing);
  expectSame(await scanText(begin(store, doing)), lines(model), `${doing}; a new transaction's scan()`);
});
