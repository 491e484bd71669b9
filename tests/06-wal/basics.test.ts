// Stage 06 examples: the stage 05 store behind the log, a read that sees a write still in
// flight, and what each sync mode promises — every resolved write durable in 'commit' mode,
// with concurrent writers sharing fsyncs; and in 'window' mode, durable after a flush() or
// once the window has passed.

import { expectErrorCode, expectSame, expectTrue } from '../../harness/assert.ts';
import type { Stage06, WalStore } from '../../stages/06-wal/contract.ts';
import { b, contents, describeDifference, History, keyOf, open, powerCut, reopen, rule, simDisk, text } from './setup.ts';

rule('06-E01', 'get, put, delete, scans and errors behave as in stage 05', 'Contract', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { limits: { maxValueSize: 64 } });
  for (const key of ['d', 'b', 'a', 'c', 'e']) await store.put(b(key), b(key.toUpperCase()));
  await store.put(b('c'), b('C2'));
  await store.delete(b('e'));
  await store.delete(b('never-there'));
  expectSame(text(await store.get(b('c'))), 'C2', 'put c C, put c C2, get c');
  expectSame(await store.get(b('e')), undefined, 'put e E, delete e, get e');
  const keys = async (options: object) => {
    let out = '';
    for await (const { key } of store.scan(options)) out += text(key);
    return out;
  };
  expectSame(await keys({}), 'abcd', 'puts of a b c d e, delete e: scan()');
  expectSame(await keys({ gt: b('a'), lte: b('c') }), 'bc', 'scan({ gt: "a", lte: "c" })');
  expectSame(await keys({ gte: b('b'), lt: b('d') }), 'bc', 'scan({ gte: "b", lt: "d" })');
  expectSame(await keys({ reverse: true, limit: 2 }), 'dc', 'scan({ reverse: true, limit: 2 })');
  expectSame(await keys({ reverse: true, gte: b('b'), lt: b('d') }), 'cb', 'scan({ reverse: true, gte: "b", lt: "d" })');
  expectSame(await keys({ limit: 0 }), '', 'scan({ limit: 0 })');
  await expectErrorCode(() => store.put(new Uint8Array(1025), b('v')), 'KEY_TOO_LARGE', 'put with a 1025-byte key');
  await expectErrorCode(() => store.put(b('k'), new Uint8Array(65)), 'VALUE_TOO_LARGE', 'with limits { maxValueSize: 64 }, put with a 65-byte value');
  await expectErrorCode(() => store.put(b('k'), 'v' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'put with a string value');
  await expectErrorCode(() => store.delete('k' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'delete with a string key');

  const expected = ['"a"="A"', '"b"="B"', '"c"="C2"', '"d"="D"'];
  expectSame(await contents(store), expected, 'everything above: scan the whole content');
  fs.recover('durable');
  const found = await contents(await reopen(stage, fs, 'everything above (rejected writes included), then a power cut', { limits: { maxValueSize: 64 } }));
  // Two checks, so the message says which promise broke: durability, or no trace of a refusal.
  const missing = expected.filter((line) => !found.includes(line));
  expectTrue(
    missing.length === 0,
    "everything above, with sync 'commit', power cut, reopen: every write whose promise resolved must be there",
    `missing: ${missing.join(' ')} (found: ${found.join(' ') || 'nothing'}) — does a put resolve before its record is synced?`,
    { section: 'Durability' },
  );
  expectSame(found, expected, 'everything above, power cut, reopen: the rejected writes left no trace in the log; scan');
});

rule('06-E12', 'a get or a scan sees every write made before it, though that write is still in flight', 'Contract', async (stage) => {
  const store = await open(stage, simDisk());
  for (const key of ['a', 'b', 'c']) await store.put(b(key), b(key.toUpperCase()));
  const [, seen] = await Promise.all([store.put(b('new'), b('in flight')), store.get(b('new'))]);
  expectSame(text(seen), 'in flight', 'Promise.all([put new "in flight", get new]): the get is made after the put');
  const [, gone] = await Promise.all([store.delete(b('a')), store.get(b('a'))]);
  expectSame(gone, undefined, 'put a A, then Promise.all([delete a, get a]): the get is made after the delete');
  const pending = store.put(b('b'), b('B2'));
  const scanned: string[] = [];
  for await (const { key, value } of store.scan({ lte: b('c') })) scanned.push(`${text(key)}=${text(value)}`);
  expectSame(scanned, ['b=B2', 'c=C'], 'put a b c, delete a, put b B2 (not awaited), then scan({ lte: "c" })');
  expectSame(text(await store.get(b('b'))), 'B2', 'put b B2 (not awaited), then get b');
  await pending;
});

rule('06-E02', "sync 'commit': every write that resolved survives a power cut, from the very first one", 'Durability', async (stage) => {
  for (const count of [1, 2, 3, 9, 40, 150]) {
    const fs = simDisk();
    const store = await open(stage, fs, { sync: 'commit' });
    const history = new History();
    for (let i = 0; i < count; i++) {
      const key = keyOf(i, 50);
      if (i % 6 === 5) {
        await store.delete(b(key));
        history.delete(key);
      } else {
        const value = `value ${i}`.padEnd(100, '.');
        await store.put(b(key), b(value));
        history.put(key, value);
      }
    }
    fs.recover('durable');
    const doing = `a fresh store, ${count} awaited puts and deletes of 100-byte values (16 KiB budget), no flush, no close, then a power cut and reopen`;
    const found = await contents(await reopen(stage, fs, doing));
    const expected = history.lines(history.latest);
    expectTrue(found.join('\n') === expected.join('\n'), `${doing}: every write must be there`, `${found.length} keys, expected ${expected.length}: ${describeDifference(expected, found)}`);
  }
});

rule('06-E03', "group commit: with sync 'commit', writers waiting together share fsyncs; one by one, each syncs", 'Durability', async (stage) => {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'commit' });
  const before = fs.syncCount;
  await Promise.all(Array.from({ length: 100 }, (_, i) => store.put(b(`together:${String(i).padStart(3, '0')}`), b(`v${i}`))));
  const together = fs.syncCount - before;
  expectTrue(together >= 1, "100 puts issued together (Promise.all) resolved with sync 'commit'", 'they made no fsync at all: their records cannot be durable');
  expectTrue(together <= 10, "100 puts issued together (Promise.all) with sync 'commit' must share fsyncs (group commit)", `they made ${together} fsync calls; expected at most 10`);
  const middle = fs.syncCount;
  for (let i = 0; i < 20; i++) await store.put(b(`alone:${String(i).padStart(3, '0')}`), b(`v${i}`));
  const alone = fs.syncCount - middle;
  expectTrue(alone >= 20, "20 puts awaited one by one with sync 'commit' (each resolves only once its record is synced)", `they made ${alone} fsync calls; expected at least 20`);
  fs.recover('durable');
  const found = await contents(await reopen(stage, fs, '100 puts together, 20 one by one, power cut'));
  const survived = found.filter((line) => line.startsWith('"together:')).length;
  expectSame(survived, 100, '100 puts issued together resolved, then 20 more one by one, then a power cut and reopen: how many of the 100 are there');
  expectSame(found.length, 120, 'and all 120 keys');
});

async function windowed(stage: Stage06, count: number): Promise<{ fs: ReturnType<typeof simDisk>; store: WalStore; expected: string[] }> {
  const fs = simDisk();
  const store = await open(stage, fs, { sync: 'window', syncWindowMs: 5 });
  const expected: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `w:${String(i).padStart(3, '0')}`;
    await store.put(b(key), b(`value ${i}`));
    expected.push(`"${key}"="value ${i}"`);
  }
  return { fs, store, expected };
}

rule('06-E04', "sync 'window': writes resolve once written, and are durable after flush() or once the window has passed", 'Durability', async (stage) => {
  {
    const { fs, store, expected } = await windowed(stage, 30);
    await store.flush();
    await powerCut(fs, 'durable', 10);
    const doing = "sync 'window', syncWindowMs 5: 30 awaited puts, flush() resolved, power cut at once, reopen";
    expectSame(await contents(await reopen(stage, fs, doing)), expected, doing);
  }
  {
    const { fs, expected } = await windowed(stage, 30);
    await new Promise((resolve) => setTimeout(resolve, 50));
    fs.recover('durable');
    const doing = "sync 'window', syncWindowMs 5: 30 awaited puts, no flush, 50 ms of waiting (the window's fsync is due), power cut, reopen";
    expectSame(await contents(await reopen(stage, fs, doing)), expected, doing);
  }
  {
    const fs = simDisk();
    const store = await open(stage, fs, { sync: 'window', syncWindowMs: 1000 });
    const before = fs.syncCount;
    for (let i = 0; i < 20; i++) await store.put(b(`k${i}`), b('v'));
    const syncs = fs.syncCount - before;
    expectTrue(syncs < 10, "sync 'window', syncWindowMs 1000: 20 puts awaited one by one resolve once written, without an fsync each", `they made ${syncs} fsync calls`);
    await store.flush();
    await store.close();
    expectSame((await contents(await reopen(stage, fs, 'the same, then flush and close'))).length, 20, "sync 'window': 20 puts, flush, close, reopen: number of keys");
  }
});
