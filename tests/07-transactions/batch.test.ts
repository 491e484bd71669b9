// Stage 07: the store's write(batch), stage 06's atomic batch, is a transaction of its own here
// (Contract): one that read nothing, so it conflicts with no one, but whose writes a snapshot
// sees all of or none of, as any commit's.

import { expectSame } from '../../harness/assert.ts';
import { b, begin, must, open, rule, scanText, simDisk, yieldNow } from './setup.ts';

rule('07-E11', "write(batch) commits as one transaction: every snapshot sees all of its writes or none", 'Contract', async (stage) => {
  const store = await open(stage, simDisk(7, true)); // jitter: the batch's commit takes a few turns
  await must(() => store.put(b('k1'), b('old1')), 'store.put(k1, old1)');
  await must(() => store.put(b('k2'), b('old2')), 'store.put(k2, old2)');
  const doing = 'store.put k1 old1, k2 old2; then store.write([put k1 new1, delete k2, put k3 new3])';
  const before = ['k1=old1', 'k2=old2'];
  const after = ['k1=new1', 'k3=new3'];
  const early = begin(store, doing);
  const writing = store.write([{ key: b('k1'), value: b('new1') }, { key: b('k2') }, { key: b('k3'), value: b('new3') }]);
  let settled = false;
  void writing.then(() => (settled = true), () => (settled = true));
  for (let i = 0; i < 40 && !settled; i++) {
    const tx = begin(store, `${doing}, not yet resolved`);
    const view = await scanText(tx);
    await tx.rollback();
    if (view.join(' ') !== before.join(' ') && view.join(' ') !== after.join(' ')) {
      expectSame(view, before, `${doing}; while it runs, T = begin(), T.scan(): all of the batch or none of it`);
    }
    await yieldNow();
  }
  await must(() => writing, doing);
  expectSame(await scanText(early), before, `${doing}; a transaction begun before the write, its scan() after it resolved`);
  expectSame(await scanText(begin(store, `${doing}, resolved`)), after, `${doing}; resolved; a new transaction's scan()`);
  await early.rollback();
});
