// Stage 02: what bad input gets — oversized keys and values, wrong types, bad scan options.

import { expectErrorCode, expectSame } from '../../harness/assert.ts';
import { b, collect, rule } from './setup.ts';
import { DEFAULT_LIMITS } from '../../stages/02-ordered-map/contract.ts';

const bytes = (n: number) => new Uint8Array(n).fill(0x6b);

rule('02-L01', 'a key longer than maxKeySize is refused with KEY_TOO_LARGE', 'Limits', async ({ createStore }) => {
  const store = createStore();
  const max = DEFAULT_LIMITS.maxKeySize;
  await store.put(bytes(max), b('fits'));
  expectSame(await store.get(bytes(max)), b('fits'), `a key of exactly ${max} bytes is allowed`);
  await expectErrorCode(() => store.put(bytes(max + 1), b('v')), 'KEY_TOO_LARGE', `put with a key of ${max + 1} bytes`);
  await expectErrorCode(() => store.get(bytes(max + 1)), 'KEY_TOO_LARGE', `get with a key of ${max + 1} bytes`);
  await expectErrorCode(() => store.delete(bytes(max + 1)), 'KEY_TOO_LARGE', `delete with a key of ${max + 1} bytes`);
});

rule('02-L02', 'a value longer than maxValueSize is refused with VALUE_TOO_LARGE', 'Limits', async ({ createStore }) => {
  const store = createStore();
  const max = DEFAULT_LIMITS.maxValueSize;
  await store.put(b('k'), bytes(max));
  expectSame((await store.get(b('k')))?.length, max, `a value of exactly ${max} bytes is allowed`);
  await expectErrorCode(() => store.put(b('big'), bytes(max + 1)), 'VALUE_TOO_LARGE', `put with a value of ${max + 1} bytes`);
});

rule('02-L03', 'the limits option overrides the defaults one field at a time', 'Limits', async ({ createStore }) => {
  const store = createStore({ limits: { maxKeySize: 4 } });
  await store.put(b('four'), bytes(1000));
  await expectErrorCode(() => store.put(b('fives'), b('v')), 'KEY_TOO_LARGE', 'with maxKeySize 4, put a 5-byte key');
  const small = createStore({ limits: { maxValueSize: 2 } });
  await expectErrorCode(() => small.put(b('k'), b('abc')), 'VALUE_TOO_LARGE', 'with maxValueSize 2, put a 3-byte value');
  await small.put(bytes(DEFAULT_LIMITS.maxKeySize), b('ab'));
});

rule('02-L04', 'a refused put leaves the store as it was', 'Limits', async ({ createStore }) => {
  const store = createStore({ limits: { maxValueSize: 3 } });
  await store.put(b('k'), b('old'));
  await expectErrorCode(() => store.put(b('k'), b('too long')), 'VALUE_TOO_LARGE', 'put k with a 8-byte value (limit 3)');
  expectSame(await store.get(b('k')), b('old'), 'after the refused put, get k');
  expectSame((await collect(store)).length, 1, 'after the refused put, the number of entries');
});

rule('02-L05', 'keys and values that are not Uint8Array are refused with INVALID_ARGUMENT', 'Bad input', async ({ createStore }) => {
  const store = createStore();
  const wrong: Array<[unknown, string]> = [['text', 'the string "text"'], [42, 'the number 42'], [undefined, 'undefined'], [null, 'null'], [[1, 2], 'the array [1, 2]']];
  for (const [value, described] of wrong) {
    const key = value as Uint8Array;
    await expectErrorCode(() => store.put(key, b('v')), 'INVALID_ARGUMENT', `put with the key ${described} (not a Uint8Array)`);
    await expectErrorCode(() => store.get(key), 'INVALID_ARGUMENT', `get with the key ${described} (not a Uint8Array)`);
  }
  await expectErrorCode(() => store.put(b('k'), 'text' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'put with the value "text"');
  expectSame(await collect(store), [], 'after the refused calls the store is still empty');
});

rule('02-L06', 'contradictory or malformed scan options are refused with INVALID_ARGUMENT', 'Bad input', async ({ createStore }) => {
  const store = createStore();
  await store.put(b('a'), b('1'));
  const bad: Array<[string, object]> = [
    ['gt and gte together', { gt: b('a'), gte: b('a') }],
    ['lt and lte together', { lt: b('z'), lte: b('z') }],
    ['limit -1', { limit: -1 }],
    ['limit 1.5', { limit: 1.5 }],
    ['limit "2"', { limit: '2' }],
    ['a string bound', { gte: 'a' }],
    ['reverse "yes"', { reverse: 'yes' }],
  ];
  for (const [what, options] of bad) {
    await expectErrorCode(() => collect(store, options), 'INVALID_ARGUMENT', `scan with ${what}`);
  }
  await expectErrorCode(() => collect(store, null as unknown as object), 'INVALID_ARGUMENT', 'scan(null)');
});
