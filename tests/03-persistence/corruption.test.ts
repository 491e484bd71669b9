// Stage 03: a damaged snapshot is refused — every flipped byte, every cut-off length, trailing
// junk — with an error naming the file and the offset. Bad paths get clear errors too.

import { expectErrorCode, expectSame, expectTrue, mismatch, rethrowStub } from '../../harness/assert.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage03 } from '../../stages/03-persistence/contract.ts';
import { contents, describeContents, DIR, rule, simDisk, SNAPSHOT, storeWith } from './setup.ts';

async function replaceSnapshot(fs: SimFileSystem, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(SNAPSHOT, 'create');
  await handle.truncate(0);
  await handle.write(0, bytes);
  await handle.sync();
  await handle.close();
}

/** Opens the damaged store: it must refuse with CORRUPT, or (harmless damage) load exactly what was saved. */
async function expectRefused(stage: Stage03, fs: SimFileSystem, saved: string[], doing: string, mustRefuse: boolean): Promise<void> {
  let store;
  try {
    store = await stage.openStore({ dir: DIR, fs });
  } catch (error) {
    rethrowStub(error);
    const { code, message } = error as { code?: string; message?: string };
    expectTrue(code === 'CORRUPT', doing, `expected: an error with code CORRUPT\n  received: ${String(error)} (code ${String(code)})`);
    expectTrue(String(message).includes('snapshot.db') && /offset \d+/.test(String(message)), doing, `the error must name the file (snapshot.db) and the offset ("offset N")\n  received: ${String(message)}`);
    return;
  }
  const found = await contents(store);
  if (mustRefuse || found.join() !== saved.join()) {
    throw mismatch(doing, 'openStore rejects with code CORRUPT', `it opened, holding ${describeContents(found)}`);
  }
}

const PAIRS: Array<[string, string]> = [['alpha', 'one'], ['beta', ''], ['gamma', 'three']];

rule('03-K01', 'every single-byte change to the snapshot is detected', 'Damaged files', async (stage) => {
  const fs = simDisk();
  const saved = await contents(await storeWith(stage, fs, PAIRS));
  const good = await fs.readFile(SNAPSHOT);
  for (let i = 0; i < good.length; i++) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const bad = good.slice();
      bad[i] = bad[i]! ^ mask;
      await replaceSnapshot(fs, bad);
      await expectRefused(stage, fs, saved, `flip byte ${i} of ${good.length} with XOR 0x${mask.toString(16)}, then open`, false);
    }
  }
});

rule('03-K02', 'a snapshot cut short at any length is refused, never half-loaded', 'Damaged files', async (stage) => {
  const fs = simDisk();
  const saved = await contents(await storeWith(stage, fs, PAIRS));
  const good = await fs.readFile(SNAPSHOT);
  for (let length = 0; length < good.length; length++) {
    await replaceSnapshot(fs, good.subarray(0, length));
    await expectRefused(stage, fs, saved, `cut snapshot.db to ${length} of ${good.length} bytes, then open`, true);
  }
});

rule('03-K03', 'bytes appended after a valid snapshot are refused', 'Damaged files', async (stage) => {
  const fs = simDisk();
  const saved = await contents(await storeWith(stage, fs, PAIRS));
  const good = await fs.readFile(SNAPSHOT);
  const longer = new Uint8Array(good.length + 3);
  longer.set(good);
  longer.set([1, 2, 3], good.length);
  await replaceSnapshot(fs, longer);
  await expectRefused(stage, fs, saved, 'append 3 bytes to a valid snapshot.db, then open', true);
});

rule('03-K04', 'a file that is not a snapshot at all is refused', 'Damaged files', async (stage) => {
  const fs = simDisk();
  await fs.mkdir(DIR);
  await replaceSnapshot(fs, new TextEncoder().encode('{"this": "is JSON, not a snapshot"}\n'));
  await expectRefused(stage, fs, [], 'write a JSON document as snapshot.db, then open', true);
});

rule('03-B01', 'a store path that is a file, or unreadable, gives an error that names it', 'Bad paths and permissions', async (stage) => {
  const fs = simDisk();
  const file = await fs.open('/plain-file', 'create');
  await file.close();
  const error = await expectErrorCode(() => stage.openStore({ dir: '/plain-file', fs }), 'ENOTDIR', 'openStore with dir set to an existing file');
  expectTrue(error.message.includes('/plain-file'), 'the error must name the path', `received: ${error.message}`);
  const denied = simDisk();
  await storeWith(stage, denied, PAIRS);
  denied.inject({ op: ['open', 'read'], nth: 0, code: 'EACCES', persist: true });
  let failure: unknown;
  try {
    await stage.openStore({ dir: DIR, fs: denied });
  } catch (caught) {
    rethrowStub(caught);
    failure = caught;
  }
  const code = (failure as { code?: string } | undefined)?.code;
  expectSame(code, 'EACCES', 'openStore where reading snapshot.db is denied: the error code');
});
