// Stage 05 examples: the stage 02 store, on disk, within a memory budget.

import { expectErrorCode, expectSame, expectTrue } from '../../harness/assert.ts';
import { b, contents, DIR, KiB, keyOf, open, rule, simDisk, text } from './setup.ts';

rule('05-E01', 'get, put, delete and scans behave as in stage 02', 'Contract', async (stage) => {
  const store = await open(stage, simDisk());
  for (const key of ['d', 'b', 'a', 'c', 'e']) await store.put(b(key), b(key.toUpperCase()));
  await store.put(b('c'), b('C2'));
  await store.delete(b('e'));
  expectSame(text(await store.get(b('c'))), 'C2', 'put c C, put c C2, get c');
  expectSame(await store.get(b('e')), undefined, 'put e E, delete e, get e');
  const keys = async (options: object) => {
    let out = '';
    for await (const { key } of store.scan(options)) out += text(key);
    return out;
  };
  expectSame(await keys({}), 'abcd', 'scan()');
  expectSame(await keys({ gt: b('a'), lte: b('c') }), 'bc', 'scan({ gt: "a", lte: "c" })');
  expectSame(await keys({ reverse: true, limit: 2 }), 'dc', 'scan({ reverse: true, limit: 2 })');
  await expectErrorCode(() => store.put(new Uint8Array(1025), b('v')), 'KEY_TOO_LARGE', 'put with a 1025-byte key');
  await expectErrorCode(() => store.put(b('k'), 'v' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'put with a string value');
});

rule('05-E02', 'what was flushed, or the store closed over, is there after a reopen', 'Durability', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs);
  await store.put(b('a'), b('1'));
  await store.put(b('b'), b('2'));
  await store.flush();
  await store.delete(b('a'));
  await store.put(b('c'), b('3'));
  await store.close();
  expectSame(await contents(await open(stage, fs)), ['"b"="2"', '"c"="3"'], 'put a, put b, flush, delete a, put c, close, reopen, scan');
  const crashed = simDisk();
  const second = await open(stage, crashed);
  await second.put(b('x'), b('flushed'));
  await second.flush();
  crashed.recover('durable');
  expectSame(await contents(await open(stage, crashed)), ['"x"="flushed"'], 'put x, flush, power cut, reopen, scan');
});

/** A lookup or a scan is the Contract's rule, also when a memory-budget test makes it (05-E03). */
const CONTRACT = { section: 'Contract' };

rule('05-E03', 'a data set thirty times the memory budget works, and lives on disk', 'Memory budget', async (stage) => {
  const fs = simDisk();
  const budget = 64 * KiB;
  const store = await open(stage, fs, { memoryBudget: budget, paranoid: false });
  const count = 8000;
  const value = (i: number) => `${i}:`.padEnd(240, String.fromCharCode(97 + (i % 26)));
  for (let i = 0; i < count; i++) await store.put(b(`key:${String(i).padStart(6, '0')}`), b(value(i)));
  await store.flush();
  const stats = await store.stats();
  const onDisk = stats.files.reduce((sum, file) => sum + file.bytes, 0);
  expectTrue(stats.memoryBytes <= 2 * budget, `with a memory budget of ${budget} bytes, stats().memoryBytes after writing ${count * 250} bytes`, `expected at most ${2 * budget}, received ${stats.memoryBytes}`);
  expectTrue(onDisk >= count * 240, 'the data must be in the store\'s files', `the files listed by stats() hold ${onDisk} bytes for ${count * 250} bytes of data`);
  for (const i of [0, 1, 4999, 7998, 7999, 3141]) {
    expectSame(text(await store.get(b(`key:${String(i).padStart(6, '0')}`))), value(i), `get key:${String(i).padStart(6, '0')} of ${count}`, CONTRACT);
  }
  let seen = 0;
  let previous = '';
  for await (const { key } of store.scan()) {
    const k = text(key)!;
    expectTrue(k > previous, 'a full scan returns keys in order', `${k} came after ${previous}`, CONTRACT);
    previous = k;
    seen++;
  }
  expectSame(seen, count, `a full scan of ${count} keys written with a ${budget}-byte budget`, CONTRACT);
});

rule('05-E04', 'values of 100 KiB and 1 MiB survive a reopen', 'Contract', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { memoryBudget: 256 * KiB });
  const big = new Uint8Array(100 * KiB).map((_, i) => i % 251);
  const huge = new Uint8Array(1024 * KiB).map((_, i) => (i * 7) % 253);
  await store.put(b('big'), big);
  await store.put(b('huge'), huge);
  await store.put(b('small'), b('s'));
  await store.close();
  const reopened = await open(stage, fs, { memoryBudget: 256 * KiB });
  expectSame(await reopened.get(b('big')), big, 'a 100 KiB value after reopen');
  expectSame(await reopened.get(b('huge')), huge, 'a 1 MiB value after reopen');
  expectSame(text(await reopened.get(b('small'))), 's', 'a small value beside them');
});

rule('05-E05', 'deletes and overwrites stick across flushes, compactions or page merges, and reopens', 'Contract', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { memoryBudget: 32 * KiB });
  const model = new Map<string, string>();
  for (let i = 0; i < 3000; i++) {
    const key = keyOf(i);
    if (i % 5 === 3) {
      await store.delete(b(key));
      model.delete(key);
    } else {
      await store.put(b(key), b(`v${i}`));
      model.set(key, `v${i}`);
    }
  }
  await store.close();
  const reopened = await open(stage, fs, { memoryBudget: 32 * KiB });
  const expected = [...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `"${k}"="${v}"`);
  const found = await contents(reopened);
  expectSame(found.length, expected.length, '3,000 puts and deletes over 400 keys with a 32 KiB budget, reopen: number of keys');
  const wrong = found.findIndex((line, i) => line !== expected[i]);
  expectTrue(wrong === -1, 'every key holds its last value', `first difference: expected ${expected[wrong]}, received ${found[wrong]}`);
});

rule('05-E06', 'stats lists the files in the directory with their sizes', 'Stats', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { memoryBudget: 32 * KiB });
  for (let i = 0; i < 500; i++) await store.put(b(keyOf(i, 1000)), b('x'.repeat(100)));
  await store.flush();
  const stats = await store.stats();
  expectTrue(stats.files.length > 0, 'after 500 puts and a flush, stats().files lists at least one file');
  for (const file of stats.files) {
    const size = (await fs.stat(`${DIR}/${file.name}`)).size;
    expectSame(file.bytes, size, `stats() says ${file.name} has ${file.bytes} bytes; the file system says`);
  }
  expectTrue(typeof stats.memoryBytes === 'number' && stats.memoryBytes > 0, 'stats().memoryBytes is a positive number');
});

rule('05-E07', 'a delete hides a value written long before it, through every compaction or page merge', 'Contract', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { memoryBudget: 16 * KiB, paranoid: false });
  const keyAt = (i: number) => `deep:${String((i * 7919) % 6000).padStart(5, '0')}`;
  for (let i = 0; i < 6000; i++) await store.put(b(keyAt(i)), b(`old value ${i}`.padEnd(100, '.')));
  await store.flush();
  const deleted = new Set<string>();
  for (let i = 0; i < 6000; i += 10) {
    await store.delete(b(keyAt(i)));
    deleted.add(keyAt(i));
  }
  for (let i = 0; i < 3000; i++) await store.put(b(`fresh:${String(i).padStart(5, '0')}`), b('x'.repeat(100)));
  await store.close();
  const reopened = await open(stage, fs, { memoryBudget: 16 * KiB, paranoid: false });
  let resurrected = 0;
  let example = '';
  for (const key of deleted) {
    if ((await reopened.get(b(key))) !== undefined) {
      resurrected++;
      example ||= key;
    }
  }
  expectSame(resurrected, 0, `6,000 puts, delete every tenth key, 3,000 more puts, reopen: deleted keys that came back (e.g. ${example || 'none'})`);
  let count = 0;
  for await (const { key } of reopened.scan({ gte: b('deep:'), lt: b('deep;') })) {
    count++;
    expectTrue(!deleted.has(text(key)!), 'a scan must not return a deleted key', `it returned ${text(key)}`);
  }
  expectSame(count, 6000 - deleted.size, 'the number of deep: keys a scan returns');
});

rule('05-E08', 'calls issued together take effect in the order they were made', 'Contract', async (stage) => {
  // A small budget, so flushes, compactions or page spills happen while calls are in flight.
  const store = await open(stage, simDisk(), { memoryBudget: 16 * KiB, paranoid: false });
  const model = new Map<string, string>();
  const calls: { made: string; result: Promise<Uint8Array | undefined | void>; expected: string | undefined | 'nothing' }[] = [];
  let state = 12345;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  for (let i = 0; i < 3000; i++) {
    const key = `key:${next(60)}`;
    const roll = next(10);
    if (roll < 4) {
      const value = `v${i}:`.padEnd(150, '.');
      model.set(key, value);
      calls.push({ made: `put ${key} v${i}`, result: store.put(b(key), b(value)), expected: 'nothing' });
    } else if (roll < 5) {
      model.delete(key);
      calls.push({ made: `delete ${key}`, result: store.delete(b(key)), expected: 'nothing' });
    } else {
      calls.push({ made: `get ${key}`, result: store.get(b(key)), expected: model.get(key) });
    }
  }
  const results = await Promise.all(calls.map((call) => call.result));
  calls.forEach((call, i) => {
    if (call.expected === 'nothing') return;
    const got = text(results[i] as Uint8Array | undefined);
    const show = (v: string | undefined) => (v === undefined ? 'undefined' : v.replace(/\.+$/, ''));
    expectTrue(got === call.expected, `3,000 calls made without awaiting (Promise.all); call ${i + 1}, ${call.made}, must see every write made before it and none made after`, `expected ${show(call.expected)}, received ${show(got)}`);
  });
  expectSame(await contents(store), [...model.entries()].sort(([a], [c]) => (a < c ? -1 : 1)).map(([k, v]) => `"${k}"="${v}"`), 'a scan once every call has finished');
});
