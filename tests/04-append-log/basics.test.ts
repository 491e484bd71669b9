// Stage 04 examples: a store whose every write is durable, that reopens by replaying its log,
// compacts, and shares fsyncs between concurrent writers.

import { expectErrorCode, expectSame, expectTrue } from '../../harness/assert.ts';
import { b, contents, DIR, logFile, open, rule, simDisk } from './setup.ts';

rule('04-E01', 'puts and deletes are there after a reopen, with no save', 'Durable writes', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs);
  await store.put(b('a'), b('1'));
  await store.put(b('b'), b('2'));
  await store.put(b('a'), b('3'));
  await store.delete(b('b'));
  await store.put(new Uint8Array(0), Uint8Array.of(0, 255));
  expectSame(await store.get(b('a')), b('3'), 'put a 1, put b 2, put a 3: get a');
  await store.close();
  const reopened = await open(stage, fs);
  expectSame(await contents(reopened), ['""="\\x00\\xff"', '"a"="3"'], 'put a 1, put b 2, put a 3, delete b, put "" "\\x00\\xff", close, reopen, scan');
});

rule('04-E02', 'an acknowledged write survives a power cut right after it', 'Durable writes', async (stage) => {
  for (const sync of ['always', 'batch'] as const) {
    const fs = simDisk();
    const store = await open(stage, fs, { sync });
    await store.put(b('k'), b('v'));
    await store.delete(b('gone'));
    fs.recover('durable');
    expectSame(await contents(await open(stage, fs, { sync })), ['"k"="v"'], `sync '${sync}': put k v resolved, then the power went out; reopen and scan`);
  }
});

rule('04-E03', 'the store behaves like the stage 02 map: order, bounds, reverse, limit', 'Durable writes', async (stage) => {
  const store = await open(stage, simDisk());
  for (const key of ['d', 'b', 'a', 'c', 'e']) await store.put(b(key), b(key.toUpperCase()));
  const keys = async (options: object) => {
    const out: string[] = [];
    for await (const { key } of store.scan(options)) out.push(new TextDecoder().decode(key));
    return out.join('');
  };
  expectSame(await keys({}), 'abcde', 'scan()');
  expectSame(await keys({ gt: b('a'), lte: b('d') }), 'bcd', 'scan({ gt: "a", lte: "d" })');
  expectSame(await keys({ reverse: true, limit: 2 }), 'ed', 'scan({ reverse: true, limit: 2 })');
  await expectErrorCode(() => store.put(new Uint8Array(1025), b('v')), 'KEY_TOO_LARGE', 'put with a 1025-byte key');
  await expectErrorCode(() => store.put('k' as unknown as Uint8Array, b('v')), 'INVALID_ARGUMENT', 'put with a string key');
});

rule('04-E04', 'compaction keeps every live key, drops the garbage, and leaves one log', 'Compaction', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs);
  for (let i = 0; i < 200; i++) await store.put(b(`key${i % 10}`), b(`value ${i}`));
  await store.delete(b('key3'));
  const before = await contents(store);
  const sizeBefore = (await fs.stat(await logFile(fs))).size;
  await store.compact();
  const sizeAfter = (await fs.stat(await logFile(fs))).size;
  expectSame(await contents(store), before, '200 puts over 10 keys, delete key3, compact: scan');
  expectTrue(sizeAfter < sizeBefore / 5, 'after compaction the log holds only live records', `log size before ${sizeBefore} bytes, after ${sizeAfter}`);
  expectSame((await fs.readdir(DIR)).length, 1, 'after compaction, the number of files in the directory');
  await store.put(b('after'), b('compaction'));
  await store.close();
  const reopened = await open(stage, fs);
  expectSame(await contents(reopened), [...before, '"after"="compaction"'].sort(), 'compact, put after compaction, reopen, scan');
});

rule('04-E05', 'stats reports the live log, its size and the number of keys', 'Compaction', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs);
  await store.put(b('a'), b('1'));
  await store.put(b('a'), b('2'));
  await store.put(b('b'), b('3'));
  const stats = await store.stats();
  const file = await logFile(fs);
  expectSame({ file: stats.file, bytes: stats.bytes, keys: stats.keys }, { file: file.slice(DIR.length + 1), bytes: (await fs.stat(file)).size, keys: 2 }, 'put a, put a, put b: stats()');
});

rule('04-E06', "group commit: with sync 'batch', concurrent writers share fsyncs", 'Sync policies', async (stage) => {
  const count = async (sync: 'always' | 'batch') => {
    const fs = simDisk();
    const store = await open(stage, fs, { sync });
    const before = fs.syncCount;
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put(b(`k${i}`), b('v'))));
    const syncs = fs.syncCount - before;
    fs.recover('durable');
    expectSame((await contents(await open(stage, fs))).length, 100, `sync '${sync}': 100 concurrent puts resolved, power cut, reopen: number of keys`);
    return syncs;
  };
  const always = await count('always');
  const batch = await count('batch');
  expectTrue(always >= 100, "sync 'always': every put syncs", `100 concurrent puts made ${always} fsync calls`);
  expectTrue(batch <= 10, "sync 'batch': 100 concurrent puts share a few fsyncs", `they made ${batch} fsync calls`);
});

rule('04-E07', 'a write is visible to get and scan as soon as put is called', 'Durable writes', async (stage) => {
  const store = await open(stage, simDisk());
  await store.put(b('k'), b('old'));
  const pending = store.put(b('k'), b('new value'));
  expectSame(await store.get(b('k')), b('new value'), 'put k "new value" (not awaited yet), then get k');
  const keys: string[] = [];
  for await (const { value } of store.scan()) keys.push(new TextDecoder().decode(value));
  expectSame(keys, ['new value'], 'put k "new value" (not awaited yet), then scan the values');
  await pending;
});
