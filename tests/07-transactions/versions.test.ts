// Stage 07 old versions: thousands of short transactions over a few keys all commit and do not
// slow down, with no snapshot open and after one closes; and a long-lived snapshot still reads
// exactly its old values after thousands of later commits.

import { expectSame, expectTrue } from '../../harness/assert.ts';
import type { Transaction, TxStore } from '../../stages/07-transactions/contract.ts';
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

const lines = (model: ReadonlyMap<string, string>) => [...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `${k}=${v}`);

/** A long transaction must still read, key by key and by scan, the state as of its begin. */
async function expectSnapshot(tx: Transaction, name: string, expected: ReadonlyMap<string, string>, doing: string): Promise<void> {
  for (let n = 0; n < KEYS; n += 7) {
    expectSame(text(await must(() => tx.get(b(keyOf(n))), `${doing}; ${name}.get(${keyOf(n)})`)), expected.get(keyOf(n)), `${doing}; ${name}.get(${keyOf(n)}): the value as of ${name}'s begin`);
  }
  expectSame(await must(() => scanText(tx), `${doing}; ${name}.scan()`), lines(expected), `${doing}; ${name}.scan(): the content as of ${name}'s begin`);
}

rule('07-G01', 'thousands of short transactions all commit without slowing down; a long snapshot still reads its old values after them', 'Rules', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'commit', memoryBudget: 64 * KiB, checkpointBytes: 64 * KiB });
  const model = new Map<string, string>();
  for (let n = 0; n < KEYS; n++) {
    await must(() => store.put(b(keyOf(n)), b(`initial ${n}`)), `store.put(${keyOf(n)})`);
    model.set(keyOf(n), `initial ${n}`);
  }
  const setup = `${KEYS} keys, then short transactions one at a time (begin, get a key, put it, commit)`;
  const early = await shortTransactions(store, model, 0, 500, setup);
  await shortTransactions(store, model, 500, 1000, setup);
  const late = await shortTransactions(store, model, 1500, 500, setup);
  expectTrue(late <= 4 * early + 250, `${setup}, no snapshot left open: transactions 1500–1999 must not be much slower than 0–499 (old versions must be collected)`, `the first 500 took ${early.toFixed(0)} ms, the last 500 ${late.toFixed(0)} ms`);
  expectSame(await scanText(store), lines(model), `${setup}: 2,000 of them; store.scan()`);

  let doing = `${setup}: 2,000 of them; then L = begin() (left open)`;
  const long = begin(store, doing);
  const atLong = new Map(model);
  await shortTransactions(store, model, 2000, 1000, doing);
  doing += ', 1,000 more; then M = begin({ isolation: serializable }) (left open)';
  const middle = begin(store, doing, 'serializable');
  const atMiddle = new Map(model);
  for (let round = 0; round < 4; round++) {
    await shortTransactions(store, model, 3000 + round * 250, 250, doing);
    await expectSnapshot(long, 'L', atLong, `${doing}, ${(round + 1) * 250} more`);
  }
  doing += ', 1,000 more';
  await expectSnapshot(middle, 'M', atMiddle, doing);
  expectSame(await scanText(store), lines(model), `${doing}; store.scan(): every commit`);
  await must(() => middle.commit(), `${doing}; M.commit() (it only read)`);
  await must(() => long.rollback(), `${doing}; L.rollback()`);
  const after = await shortTransactions(store, model, 4000, 500, `${doing}; L and M ended; 500 more`);
  expectTrue(after <= 4 * early + 250, `${doing}; L and M ended: 500 more transactions must not be much slower than the first 500 (the versions L and M held can go)`, `the first 500 took ${early.toFixed(0)} ms, these 500 ${after.toFixed(0)} ms`);
  expectSame(await scanText(begin(store, doing)), lines(model), `${doing}; L and M ended; 500 more; a new transaction's scan()`);
});
