// Stage 03 examples: save and reopen, what is and is not on disk, leftovers of a failed save,
// a snapshot over the limits the store opens with.

import { expectErrorCode, expectSame, expectTrue } from '../../harness/assert.ts';
import { b, contents, DIR, rule, simDisk, SNAPSHOT, storeWith } from './setup.ts';

rule('03-E01', 'after save, a reopened store holds exactly what was saved', 'Saving and opening', async (stage) => {
  const fs = simDisk();
  const store = await stage.openStore({ dir: DIR, fs });
  await store.put(b('user:1'), b('{"name": "Alice"}'));
  await store.put(new Uint8Array(0), new Uint8Array(0));
  await store.put(Uint8Array.of(0x00, 0xff), Uint8Array.of(0xff, 0x00, 0x80));
  await store.save();
  const expected = await contents(store);
  await store.close();
  const reopened = await stage.openStore({ dir: DIR, fs });
  expectSame(await contents(reopened), expected, 'put 3 keys (one empty, one binary), save, close, open again, scan');
});

rule('03-E02', 'a new directory opens as an empty store, and is created on disk', 'Saving and opening', async (stage) => {
  const fs = simDisk();
  const store = await stage.openStore({ dir: '/data/deep/db', fs });
  expectSame(await contents(store), [], 'open a store in a directory that does not exist, scan');
  const stat = await fs.stat('/data/deep/db');
  expectTrue(stat.isDirectory, 'after openStore, /data/deep/db must be a directory');
});

rule('03-E03', 'writes after the last save are not on disk', 'Saving and opening', async (stage) => {
  const fs = simDisk();
  const store = await storeWith(stage, fs, [['a', '1']]);
  await store.put(b('b'), b('2'));
  await store.delete(b('a'));
  const reopened = await stage.openStore({ dir: DIR, fs });
  expectSame(await contents(reopened), ['"a"="1"'], 'put a 1, save, put b 2, delete a, then open the directory again (no save)');
});

rule('03-E04', 'the latest save wins, deletes included', 'Saving and opening', async (stage) => {
  const fs = simDisk();
  const store = await storeWith(stage, fs, [['a', '1'], ['b', '2']]);
  await store.delete(b('a'));
  await store.put(b('c'), b('3'));
  await store.save();
  const reopened = await stage.openStore({ dir: DIR, fs });
  expectSame(await contents(reopened), ['"b"="2"', '"c"="3"'], 'put a b, save, delete a, put c, save, reopen');
});

rule('03-E05', 'the snapshot lives in <dir>/snapshot.db, and only there', 'Files', async (stage) => {
  const fs = simDisk();
  await storeWith(stage, fs, [['a', '1']]);
  expectSame(await fs.readdir(DIR), ['snapshot.db'], 'put a 1, save, then list the directory');
});

rule('03-E06', 'a temporary file left by a save that never finished is ignored and removed', 'Files', async (stage) => {
  const fs = simDisk();
  const store = await storeWith(stage, fs, [['a', '1']]);
  await store.close();
  const junk = await fs.open(`${DIR}/snapshot.db.tmp`, 'create');
  await junk.write(0, b('half a snapshot'));
  await junk.sync();
  await fs.syncDir(DIR);
  const reopened = await stage.openStore({ dir: DIR, fs });
  expectSame(await contents(reopened), ['"a"="1"'], 'with a stray snapshot.db.tmp beside snapshot.db, open and scan');
  expectSame(await fs.readdir(DIR), ['snapshot.db'], 'after open, the directory holds only snapshot.db');
});

rule('03-E07', 'five thousand entries and a megabyte survive a save and reopen', 'Saving and opening', async (stage) => {
  const fs = simDisk();
  const store = await stage.openStore({ dir: DIR, fs });
  for (let i = 0; i < 5000; i++) await store.put(b(`key:${String(i).padStart(5, '0')}`), new Uint8Array(200).fill(i % 251));
  await store.save();
  const expected = await contents(store);
  const reopened = await stage.openStore({ dir: DIR, fs });
  const received = await contents(reopened);
  expectSame(received.length, 5000, 'put 5,000 keys of 200 bytes, save, reopen: number of keys');
  expectTrue(received.every((line, i) => line === expected[i]), 'put 5,000 keys, save, reopen: every key and value must match');
  expectTrue((await fs.stat(SNAPSHOT)).size < 5000 * 240, 'the snapshot should not be much larger than its data', `size ${(await fs.stat(SNAPSHOT)).size} bytes for ${5000 * 210} bytes of keys and values`);
});

rule('03-E08', 'a snapshot holding a key or value over the limits the store opens with is refused, and kept', 'Limits', async (stage) => {
  const fs = simDisk();
  const store = await storeWith(stage, fs, [['k'.repeat(100), 'v'.repeat(300)]]);
  await store.close();
  for (const [limits, code] of [[{ maxKeySize: 64 }, 'KEY_TOO_LARGE'], [{ maxValueSize: 200 }, 'VALUE_TOO_LARGE']] as const) {
    const doing = `save a 100-byte key with a 300-byte value, then open with limits ${JSON.stringify(limits)}`;
    const error = await expectErrorCode(() => stage.openStore({ dir: DIR, fs, limits }), code, doing);
    expectTrue(error.message.includes(SNAPSHOT), doing, `the error must name the file ${SNAPSHOT}\n  received: ${error.message}`);
  }
  const reopened = await stage.openStore({ dir: DIR, fs });
  expectSame((await contents(reopened)).length, 1, 'after the refused opens, open with the default limits: the entry is still there');
});
