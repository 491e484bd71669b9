// Stage 07 examples, one rule each: a transaction reads its snapshot and its own writes, and
// every commit resolved before it began (rule 1);
// its writes appear to others all at once when commit() resolves (rule 2); rollback discards
// them (rule 5); an ended transaction answers CLOSED (rule 6); the store's own calls still work,
// as transactions of one operation (Contract).

import { expectErrorCode, expectSame, expectTrue } from '../../harness/assert.ts';
import type { Transaction, TxStore } from '../../stages/07-transactions/contract.ts';
import { b, begin, expectCode, expectConflict, KiB, must, open, powerCut, reopen, rule, scanText, simDisk, text, yieldNow } from './setup.ts';

async function seed(store: TxStore, pairs: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(pairs)) await must(() => store.put(b(key), b(value)), `store.put(${key}, ${value})`);
}

const read = async (tx: { get(key: Uint8Array): Promise<Uint8Array | undefined> | Uint8Array | undefined }, key: string, doing: string) => text(await must(async () => tx.get(b(key)), doing));

rule('07-E01', 'a transaction reads its snapshot: commits after its begin are not seen, its own writes are', 'Rule 1: Snapshot', async (stage) => {
  const store = await open(stage, simDisk());
  await seed(store, { k1: 'old1', k2: 'old2', k3: 'old3', k4: 'old4' });
  const setup = 'store.put k1 old1, k2 old2, k3 old3, k4 old4; T1 = begin()';
  const t1 = begin(store, setup);
  const t2 = begin(store, `${setup}; T2 = begin()`);
  await must(() => t2.put(b('k1'), b('T2')), 'T2.put(k1, T2)');
  await must(() => t2.commit(), 'T2.put(k1, T2), T2.commit()');
  await must(() => store.put(b('k2'), b('store')), 'store.put(k2, store) after T1 began');
  let doing = `${setup}; then T2 puts k1 and commits, and store.put(k2) resolves`;
  expectSame(await read(t1, 'k1', doing), 'old1', `${doing}; T1.get(k1): T1 reads its snapshot`);
  expectSame(await read(t1, 'k1', doing), 'old1', `${doing}; T1.get(k1) a second time: a read repeats`);
  expectSame(await read(t1, 'k2', doing), 'old2', `${doing}; T1.get(k2)`);
  expectSame(await read(store, 'k1', doing), 'T2', `${doing}; store.get(k1): T2's commit resolved, everyone new sees it`);

  await must(() => t1.put(b('k3'), b('T1-3')), 'T1.put(k3, T1-3)');
  await must(() => t1.delete(b('k4')), 'T1.delete(k4)');
  await must(() => t1.put(b('k5'), b('T1-5')), 'T1.put(k5, T1-5)');
  await must(() => t1.put(b('k0'), b('T1-0')), 'T1.put(k0, T1-0)');
  await must(() => t1.delete(b('k45')), 'T1.delete(k45) (there is no k45)');
  doing += '; T1 puts k3 T1-3, deletes k4, puts k5 T1-5 and k0 T1-0, deletes k45 (absent)';
  expectSame(await read(t1, 'k3', doing), 'T1-3', `${doing}; T1.get(k3): its own write`);
  expectSame(await read(t1, 'k4', doing), undefined, `${doing}; T1.get(k4): its own delete`);
  const all = ['k0=T1-0', 'k1=old1', 'k2=old2', 'k3=T1-3', 'k5=T1-5'];
  expectSame(await scanText(t1), all, `${doing}; T1.scan(): the snapshot with T1's writes laid over it`);
  expectSame(await scanText(t1, { gt: b('k1'), lte: b('k4') }), ['k2=old2', 'k3=T1-3'], `${doing}; T1.scan({ gt: k1, lte: k4 })`);
  expectSame(await scanText(t1, { gte: b('k3') }), ['k3=T1-3', 'k5=T1-5'], `${doing}; T1.scan({ gte: k3 })`);
  expectSame(await scanText(t1, { gte: b('k3'), limit: 2 }), ['k3=T1-3', 'k5=T1-5'], `${doing}; T1.scan({ gte: k3, limit: 2 })`);
  expectSame(await scanText(t1, { reverse: true }), [...all].reverse(), `${doing}; T1.scan({ reverse: true })`);
  expectSame(await scanText(t1, { reverse: true, limit: 2 }), ['k5=T1-5', 'k3=T1-3'], `${doing}; T1.scan({ reverse: true, limit: 2 })`);
  expectSame(await scanText(t1, { lt: b('k3'), limit: 2 }), ['k0=T1-0', 'k1=old1'], `${doing}; T1.scan({ lt: k3, limit: 2 })`);
  expectSame(await scanText(t1, { gte: b('k4'), lt: b('k5') }), [], `${doing}; T1.scan({ gte: k4, lt: k5 }): k4 is deleted in T1`);

  await must(() => t1.rollback(), `${doing}; T1.rollback()`);
});

rule('07-E05', "others see a transaction's writes only once its commit() resolves, and then all of them at once", 'Rule 2: Isolation of writes', async (stage) => {
  const fs = simDisk(3, true); // jitter: each file operation takes a few turns of the event loop
  const store = await open(stage, fs);
  await seed(store, { k1: 'old1', k2: 'old2', k3: 'old3', k4: 'old4' });
  const t1 = begin(store, 'store.put k1 old1, k2 old2, k3 old3, k4 old4');
  await must(() => t1.put(b('k3'), b('T1-3')), 'T1.put(k3, T1-3)');
  await must(() => t1.delete(b('k4')), 'T1.delete(k4)');
  await must(() => t1.put(b('k5'), b('T1-5')), 'T1.put(k5, T1-5)');
  await must(() => t1.put(b('k0'), b('T1-0')), 'T1.put(k0, T1-0)');
  let doing = 'store.put k1 old1, k2 old2, k3 old3, k4 old4; T1 = begin() puts k3 T1-3, deletes k4, puts k5 T1-5 and k0 T1-0';
  const t3 = begin(store, doing);
  const others = ['k1=old1', 'k2=old2', 'k3=old3', 'k4=old4'];
  expectSame(await read(store, 'k3', doing), 'old3', `${doing}; store.get(k3) before T1 commits`);
  expectSame(await read(store, 'k5', doing), undefined, `${doing}; store.get(k5) before T1 commits`);
  expectSame(await scanText(store), others, `${doing}; store.scan() before T1 commits`);
  expectSame(await scanText(t3), others, `${doing}; T3 = begin(), T3.scan() before T1 commits`);

  // While the commit runs (the disk takes its time), transactions begun see none of T1's writes.
  const committing = t1.commit();
  let settled = false;
  void committing.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 40 && !settled; i++) {
    const tx = begin(store, `${doing}; T1.commit() called, not yet resolved`);
    const early = !settled;
    const view = await scanText(tx);
    await tx.rollback();
    if (early) expectTrue(view.join(' ') === others.join(' '), `${doing}; T1.commit() called; before it resolved, T = begin(), T.scan()`, `expected: none of T1's writes (T began before T1's commit resolved): ${others.join(' ')}\n  received: ${view.join(' ')}`);
    await yieldNow();
  }
  await must(() => committing, `${doing}; T1.commit()`);
  const after = ['k0=T1-0', 'k1=old1', 'k2=old2', 'k3=T1-3', 'k5=T1-5'];
  doing += '; T1.commit() resolved';
  expectSame(await scanText(store), after, `${doing}; store.scan(): all of T1's writes at once`);
  expectSame(await read(store, 'k4', doing), undefined, `${doing}; store.get(k4)`);
  expectSame(await scanText(begin(store, doing)), after, `${doing}; a new transaction's scan()`);
  await t3.rollback();
});

rule('07-E10', 'a commit that resolved is seen by every transaction begun after it, with many clients committing at once', 'Rule 1: Snapshot', async (stage) => {
  // A small budget and large values: some commits' index writes wait for a flush, so a later
  // commit can be durable (one fsync for all) before an earlier one has even finished applying.
  const store = await open(stage, simDisk(5, true), { memoryBudget: 16 * KiB });
  const CLIENTS = 16;
  const ROUNDS = 25;
  const client = async (c: number) => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `client${String(c).padStart(2, '0')}`;
      const value = `round ${round} `.padEnd(400, '~');
      const doing = `${CLIENTS} clients at once, each committing put(${key}, v) then beginning a new transaction to read it; client ${c}, round ${round}`;
      const tx = begin(store, doing);
      await must(() => tx.put(b(key), b(value)), `${doing}: T.put`);
      await must(() => tx.commit(), `${doing}: T.commit()`);
      const next = begin(store, `${doing}, after T.commit() resolved`);
      const seen = await read(next, key, `${doing}: U = begin() after T.commit() resolved, U.get(${key})`);
      await next.rollback();
      expectTrue(seen === value, `${doing}: T.commit() resolved, then U = begin(), U.get(${key})`, `expected: "round ${round} ~~…" (T committed before U began: U's snapshot includes it)\n  received: ${JSON.stringify(seen)} — did T's commit resolve before it was made visible (published later, or after an earlier commit that shared its fsync)?`);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
});

rule('07-E02', 'rollback discards every write, so does a transaction never committed, even after a close and a power cut', 'Rule 5: Rollback', async (stage) => {
  const fs = simDisk();
  let store = await open(stage, fs);
  await seed(store, { a: 'A', b: 'B' });
  const t1 = begin(store, 'put a A, b B');
  await must(() => t1.put(b('a'), b('T1')), 'T1.put(a, T1)');
  await must(() => t1.delete(b('b')), 'T1.delete(b)');
  await must(() => t1.put(b('c'), b('T1')), 'T1.put(c, T1)');
  await must(() => t1.rollback(), 'T1 puts a, deletes b, puts c; T1.rollback()');
  const doing = 'put a A, b B; T1 puts a, deletes b, puts c, then rolls back';
  expectSame(await scanText(store), ['a=A', 'b=B'], `${doing}; store.scan()`);
  expectSame(await scanText(begin(store, doing)), ['a=A', 'b=B'], `${doing}; a new transaction's scan()`);

  const t2 = begin(store, doing);
  await must(() => t2.put(b('d'), b('T2')), 'T2.put(d, T2)');
  await must(() => t2.put(b('a'), b('T2')), 'T2.put(a, T2)');
  const t3 = begin(store, doing);
  await must(() => t3.put(b('a'), b('T3')), 'T3.put(a, T3)');
  await must(() => t3.commit(), 'T3.put(a, T3), T3.commit() while T2 is open: a rolled-back T1 never conflicts');
  // T2 is never committed nor rolled back: it is simply dropped.
  await must(() => store.close(), `${doing}; T2 puts d and a, never commits; T3 puts a and commits; close()`);
  store = await reopen(stage, fs, `${doing}; T2 never ends; close`);
  expectSame(await scanText(store), ['a=T3', 'b=B'], `${doing}; T2 puts d and a but never commits; T3 commits a; close, reopen, scan()`);
  await powerCut(fs);
  store = await reopen(stage, fs, `${doing}; close, reopen, power cut`);
  expectSame(await scanText(store), ['a=T3', 'b=B'], `${doing}; close, reopen, power cut, reopen, scan()`);

});

rule('07-E06', 'every call on a committed, rolled-back or refused transaction rejects with CLOSED', 'Rule 6: After the end', async (stage) => {
  const store = await open(stage, simDisk());
  await seed(store, { a: 'A', b: 'B' });
  const ended = async (tx: Transaction, how: string) => {
    const calls: [string, () => unknown][] = [
      ['get(a)', () => tx.get(b('a'))],
      ['put(a, x)', () => tx.put(b('a'), b('x'))],
      ['delete(a)', () => tx.delete(b('a'))],
      ['scan()', () => tx.scan()],
      ['commit()', () => tx.commit()],
      ['rollback()', () => tx.rollback()],
    ];
    for (const [name, call] of calls) await expectCode(call, 'CLOSED', `a transaction that ${how}: ${name}`);
  };
  const committed = begin(store, 'put a A, b B');
  await must(() => committed.put(b('e'), b('E')), 'T.put(e, E)');
  await must(() => committed.commit(), 'T.put(e, E), T.commit()');
  await ended(committed, 'put e and committed');
  const rolledBack = begin(store, 'put a A, b B');
  await must(() => rolledBack.put(b('f'), b('F')), 'T.put(f, F)');
  await must(() => rolledBack.rollback(), 'T.put(f, F), T.rollback()');
  await ended(rolledBack, 'put f and rolled back');
  const readOnly = begin(store, 'put a A, b B');
  await must(() => readOnly.get(b('a')), 'T.get(a)');
  await must(() => readOnly.commit(), 'T.get(a), T.commit() (a read-only transaction)');
  await ended(readOnly, 'only read, and committed');
  const refused = begin(store, 'put a A, b B');
  await must(() => refused.put(b('a'), b('refused')), 'T.put(a, refused)');
  await must(() => store.put(b('a'), b('store')), 'T.put(a, refused), then store.put(a, store)');
  await expectConflict(refused, 'a', 'T puts a; store.put(a) resolves; T.commit()');
  await ended(refused, 'was refused with CONFLICT');
});

rule('07-E04', "the store's own get, put, delete and scan work as in stage 06, each a transaction of one operation", 'Contract', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { limits: { maxValueSize: 64 } });
  for (const key of ['d', 'b', 'a', 'c', 'e']) await must(() => store.put(b(key), b(key.toUpperCase())), `store.put(${key}, ${key.toUpperCase()})`);
  await must(() => store.delete(b('e')), 'store.delete(e)');
  await must(() => store.delete(b('never-there')), 'store.delete(never-there)');
  expectSame(await read(store, 'c', 'puts'), 'C', 'store puts a b c d e, deletes e; store.get(c)');
  expectSame(await read(store, 'e', 'puts'), undefined, 'store puts a b c d e, deletes e; store.get(e)');
  expectSame(await scanText(store, { gt: b('a'), lte: b('c') }), ['b=B', 'c=C'], 'store.scan({ gt: a, lte: c })');
  expectSame(await scanText(store, { reverse: true, limit: 2 }), ['d=D', 'c=C'], 'store.scan({ reverse: true, limit: 2 })');
  await expectErrorCode(() => store.put(new Uint8Array(1025), b('v')), 'KEY_TOO_LARGE', 'store.put with a 1025-byte key');
  const tx = begin(store, 'puts');
  await expectErrorCode(() => tx.put(new Uint8Array(1025), b('v')), 'KEY_TOO_LARGE', 'T.put with a 1025-byte key');
  await expectErrorCode(() => tx.put(b('k'), new Uint8Array(65)), 'VALUE_TOO_LARGE', 'with limits { maxValueSize: 64 }, T.put with a 65-byte value');
  await expectErrorCode(() => tx.get('k' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'T.get with a string key');

  // One-operation transactions interleave with real ones.
  let doing = 'store holds a b c d; T = begin()';
  await must(() => store.put(b('a'), b('A2')), `${doing}; store.put(a, A2)`);
  await must(() => store.delete(b('b')), `${doing}; store.delete(b)`);
  doing += ', then store.put(a, A2) and store.delete(b)';
  expectSame(await read(tx, 'a', doing), 'A', `${doing}; T.get(a)`);
  expectSame(await read(tx, 'b', doing), 'B', `${doing}; T.get(b)`);
  expectSame(await scanText(tx), ['a=A', 'b=B', 'c=C', 'd=D'], `${doing}; T.scan()`);
  await must(() => tx.put(b('c'), b('T')), `${doing}; T.put(c, T)`);
  expectSame(await read(store, 'c', doing), 'C', `${doing}; T.put(c, T); store.get(c) before T commits`);
  await must(() => tx.commit(), `${doing}; T.put(c, T); T.commit() (no one else wrote c)`);
  expectSame(await scanText(store), ['a=A2', 'c=T', 'd=D'], `${doing}; T.put(c, T); T.commit(); store.scan()`);
  const [, seen] = await Promise.all([store.put(b('new'), b('in flight')), store.get(b('new'))]);
  expectSame(text(seen), 'in flight', 'Promise.all([store.put(new, in flight), store.get(new)]): the get is made after the put');
  const writer = begin(store, 'after that');
  await must(() => writer.put(b('d'), b('T')), 'T.put(d, T)');
  await must(() => store.delete(b('d')), 'T.put(d, T), store.delete(d)');
  await expectConflict(writer, 'd', 'T puts d; store.delete(d) resolves (a one-operation transaction that committed after T began); T.commit()');

});
