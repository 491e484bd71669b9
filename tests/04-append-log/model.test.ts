// Stage 04 property test: random puts, deletes, bursts of concurrent puts, compactions,
// reopens and power cuts (some in the middle of a write) against a model of what may be on
// disk: the acknowledged value of each key, plus any value whose write was cut off.

import fc from 'fast-check';
import { failure, rethrowStub } from '../../harness/assert.ts';
import { indent } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import type { LogStore } from '../../stages/04-append-log/contract.ts';
import { b, DIR, property, simDisk } from './setup.ts';

type Step =
  | { op: 'put'; key: string; value: string }
  | { op: 'delete'; key: string }
  | { op: 'burst'; keys: string[] }
  | { op: 'compact' }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode; after: number };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('put' as const), key, value: fc.string({ maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('burst' as const), keys: fc.array(key, { minLength: 2, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'compact' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn'), after: fc.nat(4) }) },
);

const describe = (s: Step) =>
  s.op === 'put' ? `put ${s.key} ${JSON.stringify(s.value)}`
  : s.op === 'delete' ? `delete ${s.key}`
  : s.op === 'burst' ? `concurrent puts of ${s.keys.join(', ')}`
  : s.op === 'crash' ? `power cut after ${s.after} step(s) that change the disk, during a put of "z" (${s.mode})`
  : s.op;

property(
  '04-P01',
  'random writes, compactions, reopens and power cuts: acknowledged writes survive, nothing else appears',
  'Durable writes',
  fc.array(step, { minLength: 1, maxLength: 16 }),
  async (stage, steps) => {
    const fs = simDisk(3);
    let store: LogStore = await stage.openStore({ dir: DIR, fs });
    /** Per key, the values the disk may hold (undefined: absent). */
    const allowed = new Map<string, Set<string | undefined>>();
    const begin = (k: string, v: string | undefined) => allowed.set(k, new Set([...(allowed.get(k) ?? [undefined]), v]));
    const ack = (k: string, v: string | undefined) => allowed.set(k, new Set([v]));
    const transcript: string[] = [];
    const fail = async (problem: string) => {
      throw failure(indent(transcript.join('\n'), '  '), `  ${problem}`);
    };
    for (const s of steps) {
      transcript.push(`> ${describe(s)}`);
      if (s.op === 'put') {
        begin(s.key, s.value);
        await store.put(b(s.key), b(s.value));
        ack(s.key, s.value);
      } else if (s.op === 'delete') {
        begin(s.key, undefined);
        await store.delete(b(s.key));
        ack(s.key, undefined);
      } else if (s.op === 'burst') {
        await Promise.all(s.keys.map(async (k, i) => {
          begin(k, `burst${i}`);
          await store.put(b(k), b(`burst${i}`));
        }));
        // Concurrent puts of one key: the last one called is the one that must win.
        for (const [i, k] of s.keys.entries()) if (s.keys.lastIndexOf(k) === i) ack(k, `burst${i}`);
      } else if (s.op === 'compact') {
        await store.compact();
      } else if (s.op === 'reopen') {
        await store.close();
        store = await stage.openStore({ dir: DIR, fs });
      } else {
        fs.cutPowerAt(fs.mutatingOps + s.after);
        begin('z', 'cut');
        try {
          await store.put(b('z'), b('cut'));
          ack('z', 'cut');
        } catch (error) {
          rethrowStub(error);
          if (!fs.crashed) throw error;
        }
        fs.recover(s.mode);
        try {
          store = await stage.openStore({ dir: DIR, fs });
        } catch (error) {
          rethrowStub(error);
          await fail(`after the power cut, openStore failed: ${String(error)}`);
        }
      }
      const found = new Map<string, string>();
      for await (const e of store.scan()) found.set(new TextDecoder().decode(e.key), new TextDecoder().decode(e.value));
      for (const k of new Set([...allowed.keys(), ...found.keys()])) {
        const values = allowed.get(k) ?? new Set([undefined]);
        const value = found.get(k);
        if (!values.has(value)) {
          const expected = [...values].map((v) => (v === undefined ? '(absent)' : JSON.stringify(v))).join(' or ');
          await fail(`key ${k}: expected ${expected}, found ${value === undefined ? '(absent)' : JSON.stringify(value)}`);
        }
        ack(k, value); // what the store shows now is what it holds from here on
      }
    }
  },
  { numRuns: 150, render: false },
);
