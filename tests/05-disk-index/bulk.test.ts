// Stage 05 in bulk: what a learner's own stress script found after the rest of the suite
// passed. Scans over megabytes of values (a scan read in batches must not end at a batch's
// end), memory after deleting most keys, and a reopen after a batch of writes that split and
// merged pages without a flush in between.

import { expectSame, expectTrue, mismatch } from '../../harness/assert.ts';
import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStore } from '../../stages/05-disk-index/contract.ts';
import { b, contents, describeContents, KiB, open, rule, simDisk, text } from './setup.ts';

const scanKey = (i: number) => `scan:${String(i).padStart(3, '0')}`;
/** 2 to 10 KiB, in no order; the bytes say whose value it is, so a value read for the wrong key shows. */
function scanValue(i: number): Uint8Array {
  const value = new Uint8Array((2 + ((i * 7) % 9)) * KiB).fill(97 + (i % 26));
  value.set(b(`${i}:`));
  return value;
}

/** The keys and value sizes a scan returns, and the first value that is not the one written. */
async function scanned(store: DiskStore, options: ScanOptions): Promise<{ keys: string[]; bytes: number; wrong?: string }> {
  const keys: string[] = [];
  let bytes = 0;
  let wrong: string | undefined;
  for await (const { key, value } of store.scan(options)) {
    const k = text(key)!;
    keys.push(k);
    bytes += value.length;
    const i = Number(k.slice('scan:'.length));
    if (wrong === undefined && Buffer.compare(value, scanValue(i)) !== 0) wrong = `${k} holds ${value.length} bytes starting ${JSON.stringify(text(value.subarray(0, 8)))}, not its own ${scanValue(i).length}`;
  }
  return { keys, bytes, ...(wrong === undefined ? {} : { wrong }) };
}

const showKeys = (keys: readonly string[]) =>
  keys.length === 0 ? '(none)' : `${keys.length} keys, ${keys[0]} … ${keys.at(-1)}`;

rule('05-E09', 'a scan over megabytes of values returns its whole range, forward and reverse, with bounds and limits', 'Contract', async (stage) => {
  // 400 values of 2–10 KiB, 2.4 MiB in all: any batch a store reads a scan in (so many
  // entries, or so many bytes, up to a MiB or so) ends well inside every range below.
  const count = 400;
  const store = await open(stage, simDisk(), { memoryBudget: 256 * KiB, paranoid: false });
  for (let i = 0; i < count; i++) await store.put(b(scanKey(i)), scanValue(i));
  const all = Array.from({ length: count }, (_, i) => scanKey(i));
  const cases: [string, ScanOptions, string[]][] = [
    ['scan()', {}, all],
    ['scan({ reverse: true })', { reverse: true }, [...all].reverse()],
    ['scan({ gt: "scan:005", lt: "scan:395" })', { gt: b(scanKey(5)), lt: b(scanKey(395)) }, all.slice(6, 395)],
    ['scan({ gte: "scan:003", lte: "scan:390", reverse: true })', { gte: b(scanKey(3)), lte: b(scanKey(390)), reverse: true }, all.slice(3, 391).reverse()],
    ['scan({ gte: "scan:010", limit: 350 })', { gte: b(scanKey(10)), limit: 350 }, all.slice(10, 360)],
    ['scan({ lt: "scan:399", reverse: true, limit: 330 })', { lt: b(scanKey(399)), reverse: true, limit: 330 }, all.slice(69, 399).reverse()],
  ];
  for (const round of ['before a flush', 'after a flush']) {
    for (const [call, options, expected] of cases) {
      const found = await scanned(store, options);
      const doing = `${count} values of 2–10 KiB (${(found.bytes / 1024 / 1024).toFixed(1)} MiB returned), ${round}: ${call}`;
      const first = found.keys.findIndex((k, i) => k !== expected[i]);
      expectTrue(
        found.keys.length === expected.length && first === -1,
        doing,
        `expected ${showKeys(expected)}\n  received ${showKeys(found.keys)}` +
          (first === -1 ? ' (a scan read in batches must not end where a batch does)' : `; first difference at entry ${first}: ${found.keys[first]} where ${expected[first]} belongs`),
      );
      expectTrue(found.wrong === undefined, doing, `a value came back wrong: ${found.wrong}`);
    }
    await store.flush();
  }
});

rule('05-E10', 'memory stays within the budget after most keys are deleted', 'Memory budget', async (stage) => {
  const budget = 16 * KiB;
  const fs = simDisk();
  const store = await open(stage, fs, { memoryBudget: budget, paranoid: false });
  const key = (i: number) => `mem:${String((i * 7919) % 4000).padStart(4, '0')}`;
  for (let i = 0; i < 4000; i++) await store.put(b(key(i)), b(`${i}:`.padEnd(300, '=')));
  await store.flush();
  const kept = new Set<string>();
  for (let i = 0; i < 4000; i++) {
    if (i % 20 === 0) kept.add(key(i));
    else await store.delete(b(key(i)));
  }
  const check = async (when: string) => {
    const { memoryBytes } = await store.stats();
    expectTrue(
      memoryBytes <= 2 * budget,
      `4,000 puts of 300 bytes with a ${budget}-byte budget, a flush, then deletes of all but ${kept.size} keys${when}: stats().memoryBytes`,
      `expected at most twice the budget, ${2 * budget}; received ${memoryBytes} (what a store frees — pages, tables, free lists — must not pile up in memory)`,
    );
  };
  await check('');
  await store.flush();
  await check(', a flush');
  const found = await contents(store);
  expectSame(found.length, kept.size, `after the deletes, the keys a scan returns (${describeContents(found)})`);
  await check(', a flush and a full scan');
});

/** Puts `count` keys whose values fill pages fast, then deletes all but every `keep`-th: splits, then merges. */
async function splitAndMerge(store: DiskStore, model: Map<string, string>, prefix: string, count: number, keep: number): Promise<void> {
  const key = (i: number) => `${prefix}${String((i * 37) % count).padStart(4, '0')}`;
  for (let i = 0; i < count; i++) {
    const value = `${prefix}${i}:`.padEnd(200 + ((i * 13) % 600), '+');
    await store.put(b(key(i)), b(value));
    model.set(key(i), value);
  }
  for (let i = 0; i < count; i++) {
    if (i % keep === 0) continue;
    await store.delete(b(key(i)));
    model.delete(key(i));
  }
}

rule('05-E11', 'a batch of writes that splits and merges pages without a flush between them reopens whole', 'Durability', async (stage) => {
  // A large budget: nothing needs writing until the flush, so pages a batch allocates and frees
  // again may never be written at all — and the file must still be what the store says it is.
  const fs = simDisk();
  const model = new Map<string, string>();
  const expected = () => [...model].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `"${k}"="${v}"`);
  let store = await open(stage, fs, { memoryBudget: 4096 * KiB });
  await splitAndMerge(store, model, 'a:', 900, 9);
  await store.close();
  const doing = (what: string) => `900 puts of 200–800 bytes, then deletes of 8 in 9, with no flush between${what}, reopen, scan`;
  try {
    store = await open(stage, fs, { memoryBudget: 4096 * KiB });
  } catch (error) {
    throw mismatch(doing(', close'), 'the store reopens', String(error));
  }
  expectSame(await contents(store), expected(), doing(', close'));
  await splitAndMerge(store, model, 'b:', 900, 7);
  await store.flush();
  fs.recover('durable');
  try {
    store = await open(stage, fs, { memoryBudget: 4096 * KiB });
  } catch (error) {
    throw mismatch(doing(' (a second batch on a flushed store), flush, power cut'), 'the store reopens', String(error));
  }
  expectSame(await contents(store), expected(), doing(' (a second batch on a flushed store), flush, power cut'));
});
