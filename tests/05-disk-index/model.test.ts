// Stage 05 property test: random puts, deletes, scans, flushes, reopens and power cuts
// against a model; with a tiny budget the store flushes and compacts on its own, and its
// structure checks (paranoid) run after every write.

import fc from 'fast-check';
import { Mismatch, rethrowStub } from '../../harness/assert.ts';
import { indent } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStore } from '../../stages/05-disk-index/contract.ts';
import { b, contents, describeContents, History, KiB, open, property, simDisk } from './setup.ts';

type Step =
  | { op: 'put'; key: string; size: number }
  | { op: 'delete'; key: string }
  | { op: 'scan'; from: string; reverse: boolean; limit: number }
  | { op: 'flush' }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode };

const key = fc.integer({ min: 0, max: 59 }).map((n) => `k${String(n).padStart(2, '0')}`);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ op: fc.constant('put' as const), key, size: fc.integer({ min: 0, max: 300 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scan' as const), from: key, reverse: fc.boolean(), limit: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn') }) },
);

const describe = (s: Step) =>
  s.op === 'put' ? `put ${s.key} <${s.size} bytes>` : s.op === 'delete' ? `delete ${s.key}` : s.op === 'scan' ? `scan from ${s.from}${s.reverse ? ' reverse' : ''} limit ${s.limit}` : s.op === 'crash' ? `power cut (${s.mode})` : s.op;

property(
  '05-P01',
  'random writes, scans, flushes, reopens and power cuts against a model (structure checked after every write)',
  'Durability',
  fc.array(step, { minLength: 1, maxLength: 120 }),
  async (stage, steps) => {
    const fs = simDisk(9);
    const options = { memoryBudget: 8 * KiB };
    let store: DiskStore = await open(stage, fs, options);
    let history = new History();
    const model = new Map<string, string>();
    const transcript: string[] = [];
    const fail = (problem: string): never => {
      throw new Mismatch(`${indent(transcript.slice(-12).join('\n'), '  ')}\n  ${problem}`);
    };
    for (const [i, s] of steps.entries()) {
      transcript.push(`> ${describe(s)}`);
      if (s.op === 'put') {
        const value = `${i}:`.padEnd(s.size, '#');
        await store.put(b(s.key), b(value));
        model.set(s.key, value);
        history.put(s.key, value);
      } else if (s.op === 'delete') {
        await store.delete(b(s.key));
        model.delete(s.key);
        history.delete(s.key);
      } else if (s.op === 'scan') {
        const options: ScanOptions = { [s.reverse ? 'lte' : 'gte']: b(s.from), reverse: s.reverse, limit: s.limit };
        const found: string[] = [];
        for await (const { key: k } of store.scan(options)) found.push(new TextDecoder().decode(k));
        let expected = [...model.keys()].sort().filter((k) => (s.reverse ? k <= s.from : k >= s.from));
        if (s.reverse) expected.reverse();
        expected = expected.slice(0, s.limit);
        if (found.join() !== expected.join()) fail(`expected keys: ${expected.join(' ') || '(none)'}\n  received keys: ${found.join(' ') || '(none)'}`);
      } else if (s.op === 'flush') {
        await store.flush();
        history.flushed();
      } else {
        if (s.op === 'reopen') await store.close();
        else fs.recover(s.mode);
        try {
          store = await open(stage, fs, options);
        } catch (error) {
          rethrowStub(error);
          fail(`reopening failed: ${String(error)}`);
        }
        const found = await contents(store);
        if (s.op === 'reopen' && found.join('\n') !== history.states[history.states.length - 1]) {
          fail(`after close and reopen everything must be there\n  received: ${describeContents(found)}`);
        }
        if (s.op === 'crash' && history.match(found) === -1) {
          fail(`after a power cut the store must hold the state after some write since the last flush\n  received: ${describeContents(found)}`);
        }
        // What survived is the new truth.
        model.clear();
        for (const line of found) {
          const [k, v] = line.split('"="').map((part) => part.replace(/^"|"$/g, ''));
          model.set(k!, v!);
        }
        history = new History();
        for (const [k, v] of [...model].sort()) history.put(k, v);
        history.flushed();
      }
    }
  },
  { numRuns: 60, render: false, timeout: 60_000 },
);
