// Stage 07 property test: random steps of up to three open transactions (begin, get, put, delete,
// scan, commit, rollback) beside the store's own calls, reopens and power cuts, checked against
// a model of snapshot isolation and of the serializable mode's commit-time checks.

import fc from 'fast-check';
import { failure, Mismatch, rethrowStub } from '../../harness/assert.ts';
import { indent, show } from '../../harness/display.ts';
import type { CrashMode } from '../../harness/sim-fs/sim-fs.ts';
import type { Isolation, ScanOptions, Transaction, TxStore, WalStoreOptions } from '../../stages/07-transactions/contract.ts';
import { b, codeOf, describeDifference, expectCode, KiB, open, powerCut, property, render, simDisk, text } from './setup.ts';
import { contentMap } from './workload.ts';

type Bound = { kind: 'none' } | { kind: 'gt' | 'gte' | 'lt' | 'lte'; key: string };
type Slot = 0 | 1 | 2;
type Step =
  | { op: 'begin'; slot: Slot; isolation: Isolation | 'default' }
  | { op: 'get' | 'delete'; slot: Slot; key: string }
  | { op: 'put'; slot: Slot; key: string; size: number }
  | { op: 'scan'; slot: Slot; low: Bound; high: Bound; reverse: boolean; limit: number | undefined }
  | { op: 'commit' | 'rollback'; slot: Slot }
  | { op: 'store-put'; key: string; size: number }
  | { op: 'store-delete' | 'store-get'; key: string }
  | { op: 'reopen' }
  | { op: 'crash'; mode: CrashMode };

const key = fc.integer({ min: 0, max: 7 }).map((n) => `k0${n}`);
const slot = fc.constantFrom<Slot>(0, 1, 2);
const size = fc.integer({ min: 4, max: 300 });
const bound = (kinds: readonly ('gt' | 'gte' | 'lt' | 'lte')[]): fc.Arbitrary<Bound> =>
  fc.oneof(fc.constant({ kind: 'none' as const }), fc.record({ kind: fc.constantFrom(...kinds), key }));
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('begin' as const), slot, isolation: fc.constantFrom<Isolation | 'default'>('snapshot', 'serializable', 'serializable', 'default') }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), slot, key }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('put' as const), slot, key, size }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), slot, key }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('scan' as const), slot, low: bound(['gt', 'gte']), high: bound(['lt', 'lte']), reverse: fc.boolean(), limit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }) }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('commit' as const), slot }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rollback' as const), slot }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('store-put' as const), key, size }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('store-delete' as const, 'store-get' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('crash' as const), mode: fc.constantFrom<CrashMode>('durable', 'torn') }) },
);

/** A committed write: its commit's timestamp; a no-op is the delete of a key that was absent. */
interface Written {
  ts: number;
  key: string;
  noop: boolean;
}

interface TxModel {
  tx: Transaction;
  name: string;
  isolation: Isolation;
  begunAt: number;
  snapshot: ReadonlyMap<string, string>;
  writes: Map<string, string | undefined>;
  reads: Set<string>;
  /** Key ranges scanned: `sure` is the part surely read (a limit may stop a scan early), `bounds` all of it. */
  ranges: { sure: (k: string) => boolean; bounds: (k: string) => boolean }[];
}

const LETTERS = ['A', 'B', 'C'];
const showBound = (x: Bound) => (x.kind === 'none' ? '' : `${x.kind}: ${x.key}`);
const inBounds = (k: string, low: Bound, high: Bound) =>
  (low.kind === 'none' || (low.kind === 'gt' ? k > low.key : k >= low.key)) && (high.kind === 'none' || (high.kind === 'lt' ? k < high.key : k <= high.key));
/** A value as the transcript shows it: the step that wrote it ("v12"). */
const tag = (value: string | undefined) => (value === undefined ? 'undefined' : `v${value.split(':')[0]}`);

property(
  '07-P01',
  'random transactions, store calls, reopens and power cuts against a model of snapshot isolation and serializable commits',
  'Contract',
  fc.record({ checkpointBytes: fc.constantFrom(4 * KiB, 16 * KiB), steps: fc.array(step, { minLength: 1, maxLength: 150, size: 'medium' }) }),
  async (stage, { checkpointBytes, steps }) => {
    const fs = simDisk(7);
    const options: Partial<WalStoreOptions> = { sync: 'commit', memoryBudget: 16 * KiB, checkpointBytes };
    let store: TxStore = await open(stage, fs, options);
    const committed = new Map<string, string>();
    let clock = 0;
    const log: Written[] = [];
    const slots: (TxModel | 'ended' | undefined)[] = [undefined, undefined, undefined];
    const generation = [0, 0, 0];
    /** The transaction each slot held last: calls on it after it ended must answer CLOSED. */
    const lastTx: (Transaction | undefined)[] = [undefined, undefined, undefined];
    /** Whether a call on the slot's ended transaction was checked (later ones begin a new one, but commit and rollback). */
    const closedChecked = [false, false, false];
    const transcript: string[] = [`(sync 'commit', 16 KiB budget, checkpointBytes ${checkpointBytes}; v12 is the value step 12 wrote)`];
    const fail = (problem: string): never => {
      throw failure(indent(transcript.slice(-16).join('\n'), '  '), `  ${problem}`);
    };
    const say = (line: string) => transcript.push(`> ${line}`);
    /** Adds what a call returned to its transcript line. */
    const note = (result: string) => (transcript[transcript.length - 1] += ` → ${result}`);
    const apply = (writes: Iterable<[string, string | undefined]>) => {
      clock++;
      for (const [k, v] of writes) {
        log.push({ ts: clock, key: k, noop: v === undefined && !committed.has(k) });
        if (v === undefined) committed.delete(k);
        else committed.set(k, v);
      }
    };
    const view = (m: TxModel) => {
      const out = new Map(m.snapshot);
      for (const [k, v] of m.writes) v === undefined ? out.delete(k) : out.set(k, v);
      return out;
    };
    /** Whether the commit of m must fail, may fail, and the keys that could be named. */
    const judgeCommit = (m: TxModel) => {
      const later = log.filter((w) => w.ts > m.begunAt);
      const serial = m.isolation === 'serializable';
      const hit = (w: Written, sure: boolean) => m.writes.has(w.key) || (serial && (m.reads.has(w.key) || m.ranges.some((r) => (sure ? r.sure : r.bounds)(w.key))));
      const must = m.writes.size > 0 && later.some((w) => !w.noop && hit(w, true));
      const may = later.filter((w) => hit(w, false));
      return { must, may: may.length > 0, keys: [...new Set(may.map((w) => w.key))] };
    };
    /** Begins a transaction in a slot; `why` notes a begin the steps did not ask for. */
    const beginIn = (slot: Slot, isolation: Isolation | 'default', why = ''): TxModel => {
      const previous = slots[slot];
      const name = `${LETTERS[slot]}${++generation[slot]!}`;
      say(`${name} = begin(${isolation === 'default' ? '' : `{ isolation: '${isolation}' }`})${why}${previous !== undefined && previous !== 'ended' ? ` (${previous.name} is left open, never to end)` : ''}`);
      const tx = isolation === 'default' ? store.begin() : store.begin({ isolation });
      const m: TxModel = { tx, name, isolation: isolation === 'default' ? 'snapshot' : isolation, begunAt: clock, snapshot: new Map(committed), writes: new Map(), reads: new Set(), ranges: [] };
      slots[slot] = m;
      closedChecked[slot] = false;
      return m;
    };
    const perform = async (s: Step, i: number): Promise<void> => {
      if (s.op === 'begin') {
        beginIn(s.slot, s.isolation);
        return;
      }
      if (s.op === 'store-put' || s.op === 'store-delete' || s.op === 'store-get') {
        if (s.op === 'store-get') {
          say(`store.get(${s.key})`);
          const found = text(await store.get(b(s.key)));
          note(tag(found));
          if (found !== committed.get(s.key)) fail(`expected: ${tag(committed.get(s.key))} (the last committed write)\n  received: ${tag(found)}`);
        } else if (s.op === 'store-put') {
          const value = `${i}:`.padEnd(s.size, '#');
          say(`store.put(${s.key}, v${i})`);
          await store.put(b(s.key), b(value));
          apply([[s.key, value]]);
        } else {
          say(`store.delete(${s.key})`);
          await store.delete(b(s.key));
          apply([[s.key, undefined]]);
        }
        return;
      }
      if (s.op === 'reopen' || s.op === 'crash') {
        const live = slots.filter((m): m is TxModel => m !== undefined && m !== 'ended').map((m) => m.name);
        say(`${s.op === 'reopen' ? 'close, reopen' : `power cut (${s.mode}), reopen`}${live.length > 0 ? ` (${live.join(', ')} open: they vanish)` : ''}`);
        if (s.op === 'reopen') await store.close();
        else await powerCut(fs, s.mode);
        try {
          store = await open(stage, fs, options);
        } catch (error) {
          rethrowStub(error);
          fail(`reopening failed: ${String(error)}`);
        }
        slots.fill(undefined);
        const found = render(await contentMap(store));
        const expected = render(committed);
        if (found.join('\n') !== expected.join('\n')) fail(`expected: every commit that resolved, and nothing else (${expected.length} keys)\n  received: ${describeDifference(expected, found)}`);
        return;
      }
      if (!('slot' in s)) return;
      let m = slots[s.slot];
      const letter = LETTERS[s.slot]!;
      const scanOptions: ScanOptions = {};
      if (s.op === 'scan') {
        if (s.low.kind !== 'none') scanOptions[s.low.kind] = b(s.low.key);
        if (s.high.kind !== 'none') scanOptions[s.high.kind] = b(s.high.key);
        if (s.reverse) scanOptions.reverse = true;
        if (s.limit !== undefined) scanOptions.limit = s.limit;
      }
      const call =
        s.op === 'put' ? `put(${s.key}, v${i})`
        : s.op === 'get' || s.op === 'delete' ? `${s.op}(${s.key})`
        : s.op === 'scan' ? `scan({ ${[showBound(s.low), showBound(s.high), s.reverse ? 'reverse: true' : '', s.limit === undefined ? '' : `limit: ${s.limit}`].filter((x) => x !== '').join(', ')} })`
        : `${s.op}()`;
      if (m === 'ended' && (s.op === 'commit' || s.op === 'rollback' || !closedChecked[s.slot])) {
        closedChecked[s.slot] = true;
        say(`${letter}${generation[s.slot]}.${call} (it has ended)`);
        const tx = lastTx[s.slot]!;
        const doing = `${indent(transcript.slice(-16).join('\n'), '  ')}\n  a call on a committed or rolled-back transaction`;
        const run =
          s.op === 'get' ? () => tx.get(b(s.key))
          : s.op === 'put' ? () => tx.put(b(s.key), b('x'))
          : s.op === 'delete' ? () => tx.delete(b(s.key))
          : s.op === 'scan' ? () => tx.scan(scanOptions)
          : s.op === 'commit' ? () => tx.commit()
          : () => tx.rollback();
        await expectCode(run, 'CLOSED', doing);
        return;
      }
      if (m === undefined || m === 'ended') {
        if (s.op === 'commit' || s.op === 'rollback') return; // nothing open in this slot: skip
        m = beginIn(s.slot, generation[s.slot]! % 2 === 0 ? 'serializable' : 'snapshot', ' (the slot had none open)');
      }
      say(`${m.name}.${call}`);
      if (s.op === 'get') {
        const found = text(await m.tx.get(b(s.key)));
        note(tag(found));
        const expected = view(m).get(s.key);
        if (m.isolation === 'serializable') m.reads.add(s.key);
        if (found !== expected) fail(`expected: ${tag(expected)} (${m.writes.has(s.key) ? `${m.name}'s own write` : `the value as of ${m.name}'s begin`})\n  received: ${tag(found)}`);
      } else if (s.op === 'put') {
        const value = `${i}:`.padEnd(s.size, '#');
        await m.tx.put(b(s.key), b(value));
        m.writes.set(s.key, value);
      } else if (s.op === 'delete') {
        await m.tx.delete(b(s.key));
        m.writes.set(s.key, undefined);
      } else if (s.op === 'scan') {
        const found: string[] = [];
        for await (const entry of m.tx.scan(scanOptions)) found.push(`${text(entry.key)}=${tag(text(entry.value))}`);
        note(found.join(' ') || '(none)');
        const state = view(m);
        let keys = [...state.keys()].sort().filter((k) => inBounds(k, s.low, s.high));
        if (s.reverse) keys.reverse();
        const full = s.limit === undefined || keys.length <= s.limit;
        if (s.limit !== undefined) keys = keys.slice(0, s.limit);
        const expected = keys.map((k) => `${k}=${tag(state.get(k))}`);
        if (found.join(' ') !== expected.join(' ')) fail(`expected (key=the step that wrote it): ${expected.join(' ') || '(none)'}\n  received: ${found.join(' ') || '(none)'}`);
        const last = keys.at(-1);
        const bounds = (k: string) => inBounds(k, s.low, s.high);
        const sure = full ? bounds : last === undefined ? () => false : (k: string) => bounds(k) && (s.reverse ? k >= last : k <= last);
        if (m.isolation === 'serializable') m.ranges.push({ sure, bounds });
      } else if (s.op === 'rollback') {
        await m.tx.rollback();
        slots[s.slot] = 'ended';
        lastTx[s.slot] = m.tx;
      } else {
        const { must, may, keys } = judgeCommit(m);
        slots[s.slot] = 'ended';
        lastTx[s.slot] = m.tx;
        let error: unknown;
        try {
          await m.tx.commit();
          note('ok');
        } catch (caught) {
          rethrowStub(caught);
          error = caught;
          note(`rejected, code ${show(codeOf(caught))}`);
        }
        const why = keys.length === 0 ? '' : ` (committed after ${m.name} began, another transaction wrote ${keys.join(', ')}, which ${m.name} ${m.isolation === 'serializable' ? 'read, scanned or writes' : 'writes'})`;
        if (error === undefined) {
          if (must) fail(`expected: commit() rejects with code CONFLICT${why}\n  received: it resolved`);
          apply(m.writes);
          return;
        }
        if (codeOf(error) !== 'CONFLICT') fail(`expected: ${must ? 'it rejects with code CONFLICT' : 'it succeeds'}${why}\n  received: ${show(error)} (code ${show(codeOf(error))})`);
        if (!may) fail(`expected: it succeeds: ${m.writes.size === 0 ? `${m.name} wrote nothing` : `no transaction that committed after ${m.name} began wrote a key it ${m.isolation === 'serializable' ? 'read, scanned or writes' : 'writes'}`}\n  received: ${show(error)}`);
        const message = String((error as Error).message);
        if (!keys.some((k) => message.includes(k))) fail(`expected: the CONFLICT error's message names the key (${keys.join(' or ')})\n  received: ${JSON.stringify(message)}`);
      }
    };
    for (const [i, s] of steps.entries()) {
      try {
        await perform(s, i);
      } catch (error) {
        rethrowStub(error);
        if (error instanceof Mismatch) throw error;
        fail(`expected: it succeeds\n  received: ${show(error)}${codeOf(error) === undefined ? '' : ` (code ${show(codeOf(error))})`}`);
      }
    }
    say('close');
    try {
      await store.close();
    } catch (error) {
      rethrowStub(error);
      fail(`expected: it succeeds\n  received: ${String(error)}`);
    }
  },
  { numRuns: 250, render: false, timeout: 60_000 }, // 250 runs of up to 150 steps with reopens: a store slower than the reference needs more than the default 20 s
);
