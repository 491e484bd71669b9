// Stage 02 examples: bytewise order, bounds, reverse, limit, and scans during writes.

import { expectSame, expectTrue } from '../../harness/assert.ts';
import { b, putAll, rule, scanKeys, showOptions } from './setup.ts';
import type { KvStore, ScanOptions } from '../../stages/02-ordered-map/contract.ts';

async function expectScan(store: KvStore, options: ScanOptions, expected: string[], setup: string): Promise<void> {
  expectSame(await scanKeys(store, options), expected.map((k) => b(k)), `${setup}, then ${showOptions(options)}`);
}

rule('02-S01', 'scan orders keys bytewise unsigned, shorter prefix first', 'Order', async ({ createStore }) => {
  const store = createStore();
  const keys = [b([0xff]), b([0x80]), b([0x7f]), b([0x01]), b([0x00]), b([0x00, 0x00]), b('b'), b('ab'), b('a'), b('B')];
  await putAll(store, keys);
  const expected = [b([0x00]), b([0x00, 0x00]), b([0x01]), b('B'), b('a'), b('ab'), b('b'), b([0x7f]), b([0x80]), b([0xff])];
  expectSame(await scanKeys(store), expected, 'put ten keys in descending order, then scan()');
});

rule('02-S02', 'bytewise order is not JavaScript string order', 'Order', async ({ createStore }) => {
  const store = createStore();
  // In UTF-16 (JavaScript strings) U+FFFF sorts after U+1F600; in UTF-8 bytes it sorts before.
  const emoji = b('\u{1F600}'); // f0 9f 98 80
  const last = b('\uFFFF'); // ef bf bf
  const eacute = b('é'); // c3 a9
  await putAll(store, [emoji, last, eacute, b('z')]);
  expectSame(await scanKeys(store), [b('z'), eacute, last, emoji], 'put "😀" "\\uFFFF" "é" "z", then scan()');
});

rule('02-S03', 'gte includes its bound and gt excludes it', 'Bounds', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c', 'd']);
  await expectScan(store, { gte: b('b') }, ['b', 'c', 'd'], 'put a b c d');
  await expectScan(store, { gt: b('b') }, ['c', 'd'], 'put a b c d');
  await expectScan(store, { gt: b('bb') }, ['c', 'd'], 'put a b c d');
  await expectScan(store, { gte: b('') }, ['a', 'b', 'c', 'd'], 'put a b c d');
});

rule('02-S04', 'lte includes its bound and lt excludes it', 'Bounds', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c', 'd']);
  await expectScan(store, { lte: b('c') }, ['a', 'b', 'c'], 'put a b c d');
  await expectScan(store, { lt: b('c') }, ['a', 'b'], 'put a b c d');
  await expectScan(store, { lt: b('bb') }, ['a', 'b'], 'put a b c d');
  await expectScan(store, { lt: b('a') }, [], 'put a b c d');
});

rule('02-S05', 'both bounds together select the keys between them', 'Bounds', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c', 'd', 'e']);
  await expectScan(store, { gte: b('b'), lt: b('d') }, ['b', 'c'], 'put a b c d e');
  await expectScan(store, { gt: b('b'), lte: b('d') }, ['c', 'd'], 'put a b c d e');
  await expectScan(store, { gte: b('c'), lte: b('c') }, ['c'], 'put a b c d e');
});

rule('02-S06', 'a range that holds nothing is an empty scan, not an error', 'Bounds', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c']);
  await expectScan(store, { gt: b('c') }, [], 'put a b c');
  await expectScan(store, { gte: b('c'), lt: b('c') }, [], 'put a b c');
  await expectScan(store, { gt: b('c'), lt: b('a') }, [], 'put a b c');
  await expectScan(store, { gt: b('c'), lt: b('a'), reverse: true }, [], 'put a b c');
  await expectScan(createStore(), {}, [], 'on an empty store');
});

rule('02-S07', 'reverse walks the same range in descending order', 'Reverse and limit', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c', 'd', 'e']);
  await expectScan(store, { reverse: true }, ['e', 'd', 'c', 'b', 'a'], 'put a b c d e');
  await expectScan(store, { gt: b('b'), lte: b('d'), reverse: true }, ['d', 'c'], 'put a b c d e');
  await expectScan(store, { gte: b('b'), lt: b('d'), reverse: true }, ['c', 'b'], 'put a b c d e');
  await expectScan(store, { lt: b('cc'), reverse: true }, ['c', 'b', 'a'], 'put a b c d e');
  await expectScan(store, { gt: b('cc'), reverse: true }, ['e', 'd'], 'put a b c d e');
});

rule('02-S08', 'limit keeps the first entries in scan order', 'Reverse and limit', async ({ createStore }) => {
  const store = createStore();
  await putAll(store, ['a', 'b', 'c', 'd', 'e']);
  await expectScan(store, { limit: 2 }, ['a', 'b'], 'put a b c d e');
  await expectScan(store, { limit: 2, reverse: true }, ['e', 'd'], 'put a b c d e');
  await expectScan(store, { gt: b('a'), limit: 1 }, ['b'], 'put a b c d e');
  await expectScan(store, { limit: 0 }, [], 'put a b c d e');
  await expectScan(store, { limit: 99 }, ['a', 'b', 'c', 'd', 'e'], 'put a b c d e');
});

rule('02-S09', 'a scan survives writes made while it runs', 'Scans while writing', async ({ createStore }) => {
  const store = createStore();
  const keys = Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(2, '0')}`);
  await putAll(store, keys);
  const seen: Uint8Array[] = [];
  for await (const entry of store.scan()) {
    seen.push(entry.key);
    const i = seen.length;
    await store.delete(entry.key);
    await store.put(b(`k${String(i + 10).padStart(2, '0')}x`), b('new'));
    expectTrue(seen.length <= 200, 'deleting each key and putting a later one while scanning', 'the scan did not end after 200 entries');
  }
  const text = seen.map((key) => new TextDecoder().decode(key));
  const sorted = [...text].sort();
  expectTrue(
    text.every((key, i) => key === sorted[i]) && new Set(text).size === text.length,
    'a scan while deleting and inserting keys must keep yielding strictly increasing keys',
    `received: ${text.join(' ')}`,
  );
  // The same in reverse: delete each key as it is yielded, and put a smaller one.
  const backwards = createStore();
  await putAll(backwards, keys);
  const seenBackwards: string[] = [];
  for await (const entry of backwards.scan({ reverse: true })) {
    seenBackwards.push(new TextDecoder().decode(entry.key));
    await backwards.delete(entry.key);
    await backwards.put(b(`k${String(60 - seenBackwards.length).padStart(2, '0')}x`), b('new'));
    expectTrue(seenBackwards.length <= 200, 'the same in reverse', 'the scan did not end after 200 entries');
  }
  const descending = [...seenBackwards].sort().reverse();
  expectTrue(
    seenBackwards.every((key, i) => key === descending[i]) && new Set(seenBackwards).size === seenBackwards.length,
    'a reverse scan while deleting and inserting keys must keep yielding strictly decreasing keys',
    `received: ${seenBackwards.join(' ')}`,
  );
});
