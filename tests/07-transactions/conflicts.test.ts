// Stage 07 conflicts (rule 4), one test each: first committer wins on a key both transactions
// write, and a refused commit leaves nothing and may be retried; write skew and phantoms commit
// under snapshot isolation and are refused under serializable, which still lets unrelated
// transactions through; a transaction that wrote nothing always commits.

import { expectSame } from '../../harness/assert.ts';
import type { Isolation, Transaction, TxStore } from '../../stages/07-transactions/contract.ts';
import { b, begin, contents, expectConflict, must, open, powerCut, reopen, rule, scanText, simDisk, text } from './setup.ts';

const get = async (tx: Transaction | TxStore, key: string, doing: string) => text(await must(async () => tx.get(b(key)), doing));
const put = (tx: Transaction | TxStore, key: string, value: string, doing: string) => must(async () => tx.put(b(key), b(value)), `${doing}: put(${key}, ${value})`);

rule('07-E03', 'two transactions write one key: the second commit fails with CONFLICT, leaves nothing, and may be retried', 'Rule 4: Conflicts', async (stage) => {
  const fs = simDisk();
  let store = await open(stage, fs);
  await put(store, 'k', 'start', 'store');

  // First committer wins, whichever wrote first; the loser leaves no trace, and a retry succeeds.
  for (const isolation of ['snapshot', 'serializable'] as const) {
    const t1 = begin(store, 'k = start', isolation);
    const t2 = begin(store, 'k = start; T1 = begin()', isolation);
    const doing = `T1 and T2 = begin({ isolation: '${isolation}' }); T2 puts k and ${isolation}-t2; T1 puts k, T1 commits; T2.commit()`;
    await put(t2, 'k', `T2 ${isolation}`, 'T2');
    await put(t2, `${isolation}-t2`, 'T2', 'T2');
    await put(t1, 'k', `T1 ${isolation}`, 'T1');
    await must(() => t1.commit(), `${doing.split('; T2.commit()')[0]}: T1.commit() (the first to commit)`);
    await expectConflict(t2, 'k', doing);
    expectSame(await get(store, 'k', doing), `T1 ${isolation}`, `${doing} (refused); store.get(k)`);
    expectSame(await get(store, `${isolation}-t2`, doing), undefined, `${doing} (refused); store.get(${isolation}-t2): a refused commit changes nothing`);
    const retry = begin(store, `${doing}; retry`, isolation);
    const seen = await get(retry, 'k', `${doing}; the retry T3 = begin(), T3.get(k)`);
    expectSame(seen, `T1 ${isolation}`, `${doing}; the retry T3 = begin(), T3.get(k): it sees T1's commit`);
    await put(retry, 'k', `T3 ${isolation}`, 'T3');
    await put(retry, `${isolation}-t2`, 'T3', 'T3');
    await must(() => retry.commit(), `${doing}; the retry T3 = begin() puts k and ${isolation}-t2; T3.commit()`);
  }
  {
    const t1 = begin(store, 'T1');
    const t2 = begin(store, 'T2');
    await must(() => t2.delete(b('k')), 'T2.delete(k)');
    await put(t1, 'k', 'T1', 'T1');
    await must(() => t1.commit(), 'T1 and T2 begin; T2 deletes k; T1 puts k and commits');
    await expectConflict(t2, 'k', 'T1 and T2 begin; T2 deletes k; T1 puts k and commits; T2.commit() (a delete is a write)');
  }
  const afterConflicts = ['k=T1', 'serializable-t2=T3', 'snapshot-t2=T3'];
  expectSame(await scanText(store), afterConflicts, 'after those conflicts and retries: store.scan()');
  await powerCut(fs);
  store = await reopen(stage, fs, 'after those conflicts and retries, power cut');
  expectSame(await scanText(store), afterConflicts, 'after those conflicts and retries, a power cut and reopen: the refused commits left nothing in the log; store.scan()');

});

rule('07-E07', 'write skew, and a key read that appears, commit under snapshot and are refused under serializable', 'Rule 4: Conflicts', async (stage) => {
  const store = await open(stage, simDisk());
  // Write skew: two doctors on call, each goes off call if the other is still on.
  for (const isolation of ['snapshot', 'serializable'] as const) {
    await put(store, 'alice', 'on', 'store');
    await put(store, 'bob', 'on', 'store');
    const t1 = begin(store, 'alice and bob on', isolation);
    const t2 = begin(store, 'alice and bob on', isolation);
    const doing = `alice = on, bob = on; T1 and T2 = begin({ isolation: '${isolation}' }); each reads alice and bob; T1 puts alice off, T2 puts bob off; T1 commits; T2.commit()`;
    for (const tx of [t1, t2]) {
      expectSame([await get(tx, 'alice', doing), await get(tx, 'bob', doing)], ['on', 'on'], `${doing}: what T1 and T2 read`);
    }
    await put(t1, 'alice', 'off', 'T1');
    await put(t2, 'bob', 'off', 'T2');
    await must(() => t1.commit(), `${doing}: T1.commit()`);
    if (isolation === 'snapshot') {
      await must(() => t2.commit(), `${doing} (write skew: snapshot isolation allows it, the write sets are disjoint)`);
      expectSame([await get(store, 'alice', doing), await get(store, 'bob', doing)], ['off', 'off'], `${doing}; store.get alice and bob`);
    } else {
      await expectConflict(t2, 'alice', `${doing} (T2 read alice, which T1 changed after T2 began)`);
      expectSame([await get(store, 'alice', doing), await get(store, 'bob', doing)], ['off', 'on'], `${doing} (refused); store.get alice and bob`);
    }
  }
  {
    const t1 = begin(store, 'T1', 'serializable');
    await get(t1, 'ghost', 'T1.get(ghost)');
    await put(store, 'ghost', 'boo', 'T1 reads ghost (absent); store');
    await put(t1, 'elsewhere', 'T1', 'T1');
    await expectConflict(t1, 'ghost', "T1 = begin({ isolation: 'serializable' }) reads ghost (absent); store.put(ghost) resolves; T1 puts elsewhere; T1.commit() (a key it read appeared)");
  }

});

rule('07-E08', 'a key that appears, changes or vanishes in a scanned range: a phantom, refused under serializable only', 'Rule 4: Conflicts', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs);
  // Phantoms: a key appears, changes or vanishes inside a range a transaction scanned.
  await seedRange(store);
  const phantom = async (isolation: Isolation, change: string, write: (tx: TxStore) => Promise<void>) => {
    const t1 = begin(store, 'range', isolation);
    const seen = await must(() => scanText(t1, { gte: b('r:10'), lt: b('r:60') }), 'T1.scan({ gte: r:10, lt: r:60 })');
    expectSame(seen, ['r:20=20', 'r:40=40'], `r:20, r:40 and r:80 in the store; T1 = begin({ isolation: '${isolation}' }); T1.scan({ gte: r:10, lt: r:60 })`);
    await must(() => write(store), `T1 scanned r:10…r:60; ${change}`);
    await put(t1, `total-${isolation}`, String(seen.length), 'T1');
    return { t1, doing: `r:20, r:40 and r:80 in the store; T1 = begin({ isolation: '${isolation}' }) scans r:10…r:60; ${change}; T1 puts total-${isolation} and commits` };
  };
  const changes: [string, string, (s: TxStore) => Promise<void>][] = [
    ['store.put(r:30) (a key appears)', 'r:30', (s) => s.put(b('r:30'), b('30'))],
    ['T2 deletes r:40 and commits (a key vanishes)', 'r:40', async (s) => {
      const t2 = s.begin();
      await t2.delete(b('r:40'));
      await t2.commit();
    }],
    ['store.put(r:20) with a new value (a key changes)', 'r:20', (s) => s.put(b('r:20'), b('twenty'))],
  ];
  for (const [change, key, write] of changes) {
    const { t1, doing } = await phantom('serializable', change, write);
    await expectConflict(t1, key, doing);
    expectSame(await get(store, 'total-serializable', doing), undefined, `${doing} (refused); store.get(total-serializable)`);
    await seedRange(store);
    const snap = await phantom('snapshot', change, write);
    await must(() => snap.t1.commit(), `${snap.doing} (snapshot isolation does not check what was read)`);
    await seedRange(store);
  }
  {
    const { t1, doing } = await phantom('serializable', 'store.put(r:70) and store.put(r:05), outside the range, and store.delete(r:80)', async (s) => {
      await s.put(b('r:70'), b('70'));
      await s.put(b('r:05'), b('05'));
      await s.delete(b('r:80'));
    });
    await must(() => t1.commit(), `${doing} (nothing inside the range changed: no conflict)`);
  }
  await powerCut(fs);
  const final = await contents(await reopen(stage, fs, 'everything above, power cut'));
  expectSame(final.filter((line) => line.startsWith('"total-')), ['"total-serializable"="2"', '"total-snapshot"="2"'], 'everything above, power cut, reopen: the total-* keys (only the commits that went through)');
});

rule('07-E09', 'a transaction that wrote nothing commits at either level, whatever changed under it', 'Rule 4: Conflicts', async (stage) => {
  const store = await open(stage, simDisk());
  await put(store, 'a', 'A2', 'store');
  await put(store, 'x', 'X', 'store');
  // A read-only transaction never conflicts, whatever changed under it: under serializable too,
  // even a key inside the range it scanned (it read one consistent snapshot: a serial point).
  for (const [isolation, other] of [['snapshot', 'm-other'], ['serializable', 'n-other']] as const) {
    const reader = begin(store, 'a = A2, x = X', isolation);
    const where = `T = begin({ isolation: '${isolation}' }) reads`;
    await must(() => reader.get(b('x')), `${where} x`);
    await must(() => scanText(reader, { gte: b('a'), lt: b('z') }), `${where} x, scans a…z`);
    await must(() => store.put(b(other), b('1')), `${where} x, scans a…z; store.put(${other}) resolves`);
    await must(() => reader.commit(), `${where} x, scans a…z; store.put(${other}) resolves; T.commit() (it wrote nothing)`);
  }
  const reader = begin(store, 'a = A2, x = X');
  expectSame(await get(reader, 'a', 'T = begin() reads a'), 'A2', 'T = begin(); T.get(a)');
  await must(() => store.put(b('a'), b('A3')), 'T = begin() reads a; store.put(a, A3)');
  const other = begin(store, 'T reads a, store.put(a)');
  await must(() => other.put(b('a'), b('other')), 'T2.put(a, other)');
  await must(() => other.commit(), "T2.put(a, other), T2.commit()");
  expectSame(await get(reader, 'a', 'T reads a; store.put(a, A3); T2 puts a and commits'), 'A2', "T reads a; store.put(a, A3); T2 puts a and commits; T.get(a) again");
  await must(() => reader.commit(), "T = begin() (snapshot) reads a twice while a store.put and T2 change it; T.commit(): a read-only transaction never conflicts");
});

/** r:20, r:40 and r:80, and nothing else in r:00…r:99. */
async function seedRange(store: TxStore): Promise<void> {
  const keys: Uint8Array[] = [];
  for await (const { key } of store.scan({ gte: b('r:'), lt: b('r;') })) keys.push(key);
  for (const key of keys) await store.delete(key);
  for (const n of ['20', '40', '80']) await store.put(b(`r:${n}`), b(n));
}
