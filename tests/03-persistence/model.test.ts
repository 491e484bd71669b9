// Stage 03 property test: random puts, deletes, saves, reopens and power cuts (clean or torn)
// against a model that knows what is live and what was last saved.

import fc from 'fast-check';
import { failure } from '../../harness/assert.ts';
import { indent, showBytes } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import { b, contents, DIR, property, simDisk } from './setup.ts';

type Step =
  | { op: 'put'; key: string; value: string }
  | { op: 'delete'; key: string }
  | { op: 'save' }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode };

const key = fc.constantFrom('a', 'b', 'c', 'dd', '');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('put' as const), key, value: fc.string({ maxLength: 6 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 2, arbitrary: fc.constant({ op: 'save' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn') }) },
);

const show = (s: Step) =>
  s.op === 'put' ? `put ${JSON.stringify(s.key)} ${JSON.stringify(s.value)}` : s.op === 'delete' ? `delete ${JSON.stringify(s.key)}` : s.op === 'crash' ? `power cut (${s.mode})` : s.op;

/** The model's content in the notation of contents(): "key"="value" in byte order. */
const lines = (map: Map<string, string>) =>
  [...map].sort(([x], [y]) => Buffer.compare(b(x), b(y))).map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`);

property(
  '03-P01',
  'random puts, deletes, saves, reopens and power cuts: a reopened store holds exactly the last save',
  'Saving and opening',
  fc.array(step, { minLength: 1, maxLength: 20 }),
  async (stage, steps) => {
    const fs = simDisk(7);
    let store = await stage.openStore({ dir: DIR, fs });
    let live = new Map<string, string>();
    let saved = new Map<string, string>();
    const transcript: string[] = [];
    for (const s of steps) {
      transcript.push(`> ${show(s)}`);
      if (s.op === 'put') {
        await store.put(b(s.key), b(s.value));
        live.set(s.key, s.value);
      } else if (s.op === 'delete') {
        await store.delete(b(s.key));
        live.delete(s.key);
      } else if (s.op === 'save') {
        await store.save();
        saved = new Map(live);
      } else {
        if (s.op === 'crash') fs.recover(s.mode);
        else await store.close();
        store = await stage.openStore({ dir: DIR, fs });
        live = new Map(saved);
      }
      const found = await contents(store);
      const expected = lines(live);
      if (found.join('\n') !== expected.join('\n')) {
        throw failure(indent(transcript.join('\n'), '  '), `  expected store: ${expected.join(' ') || '(empty)'}\n  received store: ${found.join(' ') || '(empty)'}`);
      }
    }
  },
  { numRuns: 200, render: false },
);
