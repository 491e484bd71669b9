// Stage 05 property test: random puts, deletes, gets, scans, flushes, reopens and power cuts
// against a model. Keys of up to 700 bytes and values of up to 1,500 make a few puts fill a
// 4 KiB page, and an 8 KiB budget a memtable: every run splits and merges pages (B+tree), or
// flushes and compacts tables (LSM), and the structure checks (paranoid) run after every write.

import fc from 'fast-check';
import { failure, rethrowStub } from '../../harness/assert.ts';
import { indent, showBytes } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStore } from '../../stages/05-disk-index/contract.ts';
import { b, History, KiB, open, powerCut, property, simDisk, text } from './setup.ts';

type Step =
  | { op: 'put'; key: string; size: number }
  | { op: 'delete'; key: string }
  | { op: 'get'; key: string }
  | { op: 'check' }
  | { op: 'scan'; from: string; reverse: boolean; limit: number }
  | { op: 'flush' }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode };

/**
 * A key's bytes: its name, then padding of a length fixed by the name (0 to 700 bytes), so a
 * key is always the same bytes and keys still sort by name. Messages show the name alone.
 */
const pad = (name: string) => '.'.repeat((Number(name.slice(1)) * 389) % 701);
const keyBytes = (name: string) => b(name + pad(name));
const nameOf = (key: Uint8Array) => text(key)!.replace(/\.+$/, '');

const key = fc.integer({ min: 0, max: 59 }).map((n) => `k${String(n).padStart(2, '0')}`);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant('put' as const), key, size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 1500 })) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scan' as const), from: key, reverse: fc.boolean(), limit: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'check' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn') }) },
);

const describe = (s: Step) =>
  s.op === 'put' ? `put ${s.key} <${s.size} bytes>` : s.op === 'delete' || s.op === 'get' ? `${s.op} ${s.key}` : s.op === 'scan' ? `scan from ${s.from}${s.reverse ? ' reverse' : ''} limit ${s.limit}` : s.op === 'crash' ? `power cut (${s.mode})` : s.op === 'check' ? 'get every key' : s.op;

/** A value as messages show it: its first bytes (the step that wrote it) and its length. */
const showValue = (value: string | undefined) => (value === undefined ? 'absent' : `<${value.slice(0, value.indexOf(':') + 1)}… ${value.length} bytes>`);

/** The whole content, as key names and values. */
async function read(store: DiskStore): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const entry of store.scan()) found.set(nameOf(entry.key), text(entry.value)!);
  return found;
}

const showContent = (content: ReadonlyMap<string, string>) =>
  content.size === 0 ? '(empty)' : [...content].slice(0, 6).map(([k, v]) => `${k}=${showValue(v)}`).join(' ') + (content.size > 6 ? ` … (${content.size} keys)` : '');

/** Looks every key up: a lookup descends by the separators in the branches, a full scan need not. */
async function getEach(store: DiskStore, content: ReadonlyMap<string, string>, source: string, fail: (problem: string) => never): Promise<void> {
  for (const [k, v] of content) {
    const got = text(await store.get(keyBytes(k)));
    if (got !== v) fail(`${source} ${k}=${showValue(v)}, but get ${k} returned ${showValue(got)}`);
  }
}

/** The content as History records its states, to find which one a reopened store holds. */
const historyLines = (content: ReadonlyMap<string, string>) =>
  [...content].sort(([x], [y]) => Buffer.compare(b(x), b(y))).map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`);

property(
  '05-P01',
  'random writes, reads, flushes, reopens and power cuts against a model, pages and tables splitting and merging (structure checked after every write)',
  'Durability',
  fc.array(step, { minLength: 10, maxLength: 80, size: 'max' }),
  async (stage, steps) => {
    const fs = simDisk(9);
    const options = { memoryBudget: 8 * KiB };
    let store: DiskStore = await open(stage, fs, options);
    let history = new History();
    const model = new Map<string, string>();
    const transcript: string[] = [];
    const fail = (problem: string): never => {
      throw failure(indent(transcript.slice(-12).join('\n'), '  '), `  ${problem}`);
    };
    for (const [i, s] of steps.entries()) {
      transcript.push(`> ${describe(s)}`);
      if (s.op === 'put') {
        const value = `${i}:`.padEnd(s.size, '#');
        await store.put(keyBytes(s.key), b(value));
        model.set(s.key, value);
        history.put(s.key, value);
      } else if (s.op === 'delete') {
        await store.delete(keyBytes(s.key));
        model.delete(s.key);
        history.delete(s.key);
      } else if (s.op === 'get') {
        const found = text(await store.get(keyBytes(s.key)));
        if (found !== model.get(s.key)) fail(`expected: ${showValue(model.get(s.key))}\n  received: ${showValue(found)}`);
      } else if (s.op === 'check') {
        await getEach(store, model, 'the model holds', fail);
      } else if (s.op === 'scan') {
        const bound = keyBytes(s.from);
        const options: ScanOptions = { [s.reverse ? 'lte' : 'gte']: bound, reverse: s.reverse, limit: s.limit };
        const found: string[] = [];
        for await (const entry of store.scan(options)) {
          found.push(nameOf(entry.key));
          if (text(entry.value) !== model.get(nameOf(entry.key))) {
            fail(`the scan returned ${nameOf(entry.key)}=${showValue(text(entry.value))}; the key holds ${showValue(model.get(nameOf(entry.key)))}`);
          }
        }
        let expected = [...model.keys()].sort().filter((k) => (s.reverse ? k <= s.from : k >= s.from));
        if (s.reverse) expected.reverse();
        expected = expected.slice(0, s.limit);
        if (found.join() !== expected.join()) fail(`expected keys: ${expected.join(' ') || '(none)'}\n  received keys: ${found.join(' ') || '(none)'}`);
      } else if (s.op === 'flush') {
        await store.flush();
        history.flushed();
      } else {
        if (s.op === 'reopen') await store.close();
        else await powerCut(fs, s.mode);
        try {
          store = await open(stage, fs, options);
        } catch (error) {
          rethrowStub(error);
          fail(`reopening failed: ${String(error)}`);
        }
        const found = await read(store);
        const lines = historyLines(found);
        if (s.op === 'reopen' && lines.join('\n') !== history.states[history.states.length - 1]) {
          fail(`after close and reopen everything must be there\n  expected: ${showContent(model)}\n  received: ${showContent(found)}`);
        }
        if (s.op === 'crash' && history.match(lines) === -1) {
          fail(`after a power cut the store must hold the state after some write since the last flush\n  received: ${showContent(found)}`);
        }
        await getEach(store, found, 'after the reopen a full scan returned', fail);
        // What survived is the new truth.
        model.clear();
        for (const [k, v] of found) model.set(k, v);
        history = new History();
        for (const [k, v] of [...model].sort()) history.put(k, v);
        history.flushed();
      }
    }
  },
  { numRuns: 40, render: false, timeout: 60_000 },
);
