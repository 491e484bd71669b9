// Stage 02 examples: get, put, delete and the store's ownership of its bytes.

import { expectSame, expectTrue } from '../../harness/assert.ts';
import { b, collect, putAll, rule, scanKeys } from './setup.ts';

rule('02-E01', 'get returns what put stored', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('user:1'), b('{"name": "Alice"}'));
  expectSame(await store.get(b('user:1')), b('{"name": "Alice"}'), 'put user:1 then get user:1');
});

rule('02-E02', 'get of a key never stored returns undefined', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('a'), b('1'));
  expectSame(await store.get(b('b')), undefined, 'put a, then get b');
  expectSame(await store.get(b('')), undefined, 'put a, then get the empty key');
});

rule('02-E03', 'put replaces the value of an existing key', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('k'), b('old'));
  await store.put(b('k'), b('new'));
  expectSame(await store.get(b('k')), b('new'), 'put k old, put k new, get k');
  expectSame(await scanKeys(store), [b('k')], 'a replaced key appears once in a scan');
});

rule('02-E04', 'delete removes a key from get and from scans in both directions', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c']);
  await store.delete(b('b'));
  expectSame(await store.get(b('b')), undefined, 'put a b c, delete b, get b');
  expectSame(await scanKeys(store), [b('a'), b('c')], 'put a b c, delete b, scan');
  expectSame(await scanKeys(store, { reverse: true }), [b('c'), b('a')], 'put a b c, delete b, scan reverse');
  await store.delete(b('c'));
  expectSame(await scanKeys(store, { reverse: true }), [b('a')], 'then delete c (the last key), scan reverse');
});

rule('02-E05', 'deleting a key that is not there is not an error', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('a'), b('1'));
  await store.delete(b('zzz'));
  await store.delete(b('zzz'));
  expectSame(await collect(store), [{ key: b('a'), value: b('1') }], 'put a 1, delete zzz twice, scan');
});

rule('02-E06', 'a key can be stored again after it was deleted', 'Contract', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('k'), b('1'));
  await store.delete(b('k'));
  await store.put(b('k'), b('2'));
  expectSame(await store.get(b('k')), b('2'), 'put k 1, delete k, put k 2, get k');
});

rule('02-E07', 'the empty key and the empty value are ordinary bytes', 'Keys and values are bytes', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('a'), b('x'));
  await store.put(b(''), b(''));
  expectSame(await store.get(b('')), b(''), 'put "" "", get ""');
  expectSame(await scanKeys(store), [b(''), b('a')], 'the empty key sorts before every other key');
});

rule('02-E08', 'the store keeps its own copy of what put receives', 'Ownership of bytes', async ({ createStore }) => {
  const store = createStore();
  const key = b('key');
  const value = b('value');
  await store.put(key, value);
  value.fill(0x21);
  key.fill(0x21);
  expectSame(await store.get(b('key')), b('value'), 'put key value, then overwrite both arrays with "!"; get key');
  expectSame(await scanKeys(store), [b('key')], 'the stored key must not change when the caller reuses its array');
  // A Buffer is a Uint8Array whose slice() is a view, not a copy: the classic trap.
  const bufferKey = Buffer.from('buffer-key');
  const bufferValue = Buffer.from('buffer-value');
  await store.put(bufferKey, bufferValue);
  bufferKey.fill(0x21);
  bufferValue.fill(0x21);
  expectSame(await store.get(b('buffer-key')), b('buffer-value'), 'put with Node Buffers, then overwrite both Buffers with "!"; get buffer-key');
});

rule('02-E09', 'changing bytes that get or scan returned does not change the store', 'Ownership of bytes', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('k'), b('abc'));
  const got = await store.get(b('k'));
  got?.fill(0x21);
  for (const entry of await collect(store)) {
    entry.key.fill(0x21);
    entry.value.fill(0x21);
  }
  expectSame(await store.get(b('k')), b('abc'), 'overwrite what get and scan returned, then get k');
});

rule('02-E10', 'two stores do not share data', 'Contract', async ({ createStore }) => {
  const first = createStore();
  const second = createStore();
  await first.put(b('a'), b('1'));
  expectSame(await second.get(b('a')), undefined, 'put a in the first store, get a from the second');
});

rule('02-E11', 'two thousand keys in random order come back sorted', 'Scans', async ({ createStore }) => {
  const store = createStore();
  const keys: string[] = [];
  let x = 12345;
  for (let i = 0; i < 2_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    keys.push(`k${(x % 1_000_000).toString().padStart(6, '0')}`);
  }
  for (const key of keys) await store.put(b(key), b(key));
  const expected = [...new Set(keys)].sort();
  const received = (await scanKeys(store)).map((key) => new TextDecoder().decode(key));
  expectTrue(received.length === expected.length, 'put 2,000 keys (some repeated), scan', `expected ${expected.length} distinct keys, received ${received.length}`);
  const wrong = received.findIndex((key, i) => key !== expected[i]);
  expectTrue(wrong === -1, 'put 2,000 keys, scan', `first out-of-order key at position ${wrong}: expected ${expected[wrong]}, received ${received[wrong]}`);
});
