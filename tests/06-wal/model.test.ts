// Stage 06 property test: random puts, deletes, gets, scans, flushes, checkpoints, reopens and
// power cuts (clean or torn) against a model, in both sync modes, with automatic checkpoints
// and a budget small enough that the index writes to disk on its own.

import fc from 'fast-check';
import { failure, Mismatch, rethrowStub } from '../../harness/assert.ts';
import { indent } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { SyncMode, WalStore, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { b, contents, describeDifference, History, KiB, open, powerCut, property, simDisk, text } from './setup.ts';

type Bound = { kind: 'none' } | { kind: 'gt' | 'gte' | 'lt' | 'lte'; key: string };

type Step =
  | { op: 'put'; key: string; size: number }
  | { op: 'delete'; key: string }
  | { op: 'get'; key: string }
  | { op: 'scan'; low: Bound; high: Bound; reverse: boolean; limit: number | undefined }
  | { op: 'flush' }
  | { op: 'checkpoint' }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode };

const key = fc.integer({ min: 0, max: 59 }).map((n) => `k${String(n).padStart(2, '0')}`);
const bound = (kinds: readonly ('gt' | 'gte' | 'lt' | 'lte')[]): fc.Arbitrary<Bound> =>
  fc.oneof(fc.constant({ kind: 'none' as const }), fc.record({ kind: fc.constantFrom(...kinds), key }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ op: fc.constant('put' as const), key, size: fc.integer({ min: 0, max: 600 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('scan' as const), low: bound(['gt', 'gte']), high: bound(['lt', 'lte']), reverse: fc.boolean(), limit: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'flush' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn') }) },
);

const showBound = (x: Bound) => (x.kind === 'none' ? '' : ` ${x.kind} ${x.key}`);
const describe = (s: Step) =>
  s.op === 'put' || s.op === 'delete' || s.op === 'get'
    ? `${s.op} ${s.key}${s.op === 'put' ? ` <${s.size} bytes>` : ''}`
    : s.op === 'scan'
      ? `scan${showBound(s.low)}${showBound(s.high)}${s.reverse ? ' reverse' : ''}${s.limit === undefined ? '' : ` limit ${s.limit}`}`
      : s.op === 'crash'
        ? `power cut (${s.mode}), reopen`
        : s.op === 'reopen'
          ? 'close, reopen'
          : `${s.op}()`;

const inBounds = (k: string, low: Bound, high: Bound) =>
  (low.kind === 'none' || (low.kind === 'gt' ? k > low.key : k >= low.key)) && (high.kind === 'none' || (high.kind === 'lt' ? k < high.key : k <= high.key));

const WINDOW_MS = 2;

property(
  '06-P01',
  'random writes, reads, flushes, checkpoints, reopens and power cuts against a model, in both sync modes',
  'Durability',
  fc.record({
    sync: fc.constantFrom<SyncMode>('commit', 'window'),
    // 4 KiB: checkpoints start often; 16 KiB: an LSM memtable (8 KiB of a 16 KiB budget) fills first.
    checkpointBytes: fc.constantFrom(4 * KiB, 16 * KiB),
    steps: fc.array(step, { minLength: 1, maxLength: 150, size: 'medium' }),
  }),
  async (stage, { sync, checkpointBytes, steps }) => {
    const fs = simDisk(7);
    const options: Partial<WalStoreOptions> = { sync, syncWindowMs: WINDOW_MS, memoryBudget: 16 * KiB, checkpointBytes };
    let store: WalStore = await open(stage, fs, options);
    let history = new History();
    const transcript: string[] = [`(sync '${sync}', syncWindowMs ${WINDOW_MS}, 16 KiB budget, checkpointBytes ${checkpointBytes})`];
    const fail = (problem: string): never => {
      throw failure(indent(transcript.slice(-14).join('\n'), '  '), `  ${problem}`);
    };
    const perform = async (s: Step, i: number): Promise<void> => {
      if (s.op === 'put') {
        const value = `${i}:`.padEnd(s.size, '#');
        const index = history.put(s.key, value);
        await store.put(b(s.key), b(value));
        if (sync === 'commit') history.acknowledged(index);
      } else if (s.op === 'delete') {
        const index = history.delete(s.key);
        await store.delete(b(s.key));
        if (sync === 'commit') history.acknowledged(index);
      } else if (s.op === 'get') {
        const found = text(await store.get(b(s.key)));
        const expected = history.value(s.key);
        if (found !== expected) fail(`expected: ${expected === undefined ? 'undefined' : `${expected.length} bytes "${expected.slice(0, 12)}…"`}\n  received: ${found === undefined ? 'undefined' : `${found.length} bytes "${found.slice(0, 12)}…"`}`);
      } else if (s.op === 'scan') {
        const scanOptions: ScanOptions = { reverse: s.reverse };
        if (s.low.kind !== 'none') scanOptions[s.low.kind] = b(s.low.key);
        if (s.high.kind !== 'none') scanOptions[s.high.kind] = b(s.high.key);
        if (s.limit !== undefined) scanOptions.limit = s.limit;
        const found: string[] = [];
        for await (const entry of store.scan(scanOptions)) found.push(`${text(entry.key)}=${text(entry.value)!.split(':')[0]}`);
        let expected = history.keys().filter((k) => inBounds(k, s.low, s.high));
        if (s.reverse) expected.reverse();
        if (s.limit !== undefined) expected = expected.slice(0, s.limit);
        const shown = expected.map((k) => `${k}=${history.value(k)!.split(':')[0]}`);
        if (found.join(' ') !== shown.join(' ')) fail(`expected (key=the step that wrote it): ${shown.join(' ') || '(none)'}\n  received: ${found.join(' ') || '(none)'}`);
      } else if (s.op === 'flush' || s.op === 'checkpoint') {
        const latest = history.latest;
        await (s.op === 'flush' ? store.flush() : store.checkpoint());
        history.acknowledged(latest);
      } else {
        if (s.op === 'reopen') await store.close();
        else await powerCut(fs, s.mode, sync === 'window' ? WINDOW_MS + 3 : 0);
        try {
          store = await open(stage, fs, options);
        } catch (error) {
          rethrowStub(error);
          fail(`reopening failed: ${String(error)}`);
        }
        const found = await contents(store);
        if (s.op === 'reopen' && found.join('\n') !== history.state(history.latest)) {
          fail(`after close and reopen every write must be there\n  received: ${describeDifference(history.lines(history.latest), found)}`);
        }
        const at = history.match(found);
        if (at === -1) fail(`after a power cut the store must hold the state after some write since the last one promised durable\n${history.explain(found)}`);
        history = history.restartFrom(at); // what survived is the new truth
      }
    };
    for (const [i, s] of steps.entries()) {
      transcript.push(`> ${describe(s)}`);
      try {
        await perform(s, i);
      } catch (error) {
        rethrowStub(error);
        if (error instanceof Mismatch) throw error;
        fail(`expected: it succeeds\n  received: ${String(error)}`);
      }
    }
    transcript.push('> close');
    try {
      await store.close();
    } catch (error) {
      rethrowStub(error);
      fail(`expected: it succeeds\n  received: ${String(error)}`);
    }
  },
  { numRuns: 150, render: false, timeout: 60_000 }, // 150 runs of up to 150 steps with reopens: a store slower than the reference needs more than the default 20 s
);
