// Stage 08: a scan reads one snapshot, however long it runs and whatever moves under it. One
// writer changes keys w0…w5 one call at a time, so the store goes through states s0, s1, … in
// a known order; scanners read w0…w5 (pausing between entries, so the scheduler can run
// writes, flushes, compactions and checkpoints in the middle); each scan must return exactly
// one state sj that was current at some instant between its call and its return.

import fc from 'fast-check';
import { mismatch } from '../../harness/assert.ts';
import { b, type Client, drive, property, scheduledStore, text } from './setup.ts';

type Write = { key: string; value: string | undefined };
type Background = 'flush' | 'checkpoint';
interface Workload {
  writes: Write[];
  /** Each scan starts after `delay` steps of the schedule (so it may meet a compaction midway). */
  scans: { reverse: boolean; delay: number }[];
  background: Background[];
}

const KEYS = ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'];
/** A write: a put of a value of `size` bytes, or (one time in four) a delete. */
const write = fc.record({
  key: fc.constantFrom(...KEYS),
  size: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 300 }) }, { weight: 1, arbitrary: fc.constant(undefined) }),
});
const workload: fc.Arbitrary<Workload> = fc.record({
  writes: fc.array(write, { minLength: 2, maxLength: 10 }).map((ws) => ws.map((w, i) => ({ key: w.key, value: w.size === undefined ? undefined : `v${i + 1}`.padEnd(w.size, '.') }))),
  scans: fc.array(fc.record({ reverse: fc.boolean(), delay: fc.integer({ min: 0, max: 30 }) }), { minLength: 1, maxLength: 2 }),
  background: fc.array(fc.constantFrom<Background>('flush', 'checkpoint'), { maxLength: 2 }),
});

/**
 * Keys no one writes, between w2 and w3, so that the tables a scan reads span several blocks
 * or pages: a scan then still has reading to do after a compaction replaces its tables.
 */
const FILLERS = Array.from({ length: 24 }, (_, i) => [`w2.filler${String(i).padStart(2, '0')}`, `f${i}`.padEnd(1000, '.')] as const);
const FILLER_VALUES = new Map<string, string>(FILLERS);

const short = (value: string) => value.replace(/\.{4,}$/, '…');
/**
 * Entries as text, in the order given, the fillers counted rather than listed (a wrong one is
 * shown as itself): a scan's result exactly as it came, order and repeats included.
 */
const renderEntries = (entries: readonly (readonly [string, string])[]) => {
  const fillers = entries.filter(([k, v]) => FILLER_VALUES.get(k) === v).length;
  const shown = entries.filter(([k, v]) => FILLER_VALUES.get(k) !== v).map(([k, v]) => `${k}=${short(v)}`);
  return `${shown.join(' ')} (+${fillers} filler keys)`;
};
/** A state as a scan in that direction must return it. */
const render = (state: ReadonlyMap<string, string>, reverse: boolean) => {
  const entries = [...state].sort(([x], [y]) => (x < y ? -1 : 1));
  return renderEntries(reverse ? entries.reverse() : entries);
};

property(
  '08-S01',
  'a scan returns one snapshot — a state the store was in at one instant during the scan — while writes, flushes, compactions and checkpoints run under it',
  'Scans read one snapshot',
  fc.tuple(fc.scheduler(), workload),
  async (stage, [scheduler, { writes, scans, background }]) => {
    const initial = new Map<string, string>([...KEYS.map((k) => [k, `v0-${k}`.padEnd(120, '.')] as const), ...FILLERS]);
    const { store } = await scheduledStore(stage, scheduler, initial);

    // states[j]: the content after the first j writes; times on one logical clock.
    const states = [new Map(initial)];
    for (const w of writes) {
      const next = new Map(states.at(-1)!);
      if (w.value === undefined) next.delete(w.key);
      else next.set(w.key, w.value);
      states.push(next);
    }
    let clock = 0;
    const writeCall: number[] = [];
    const writeReturn: number[] = [];
    const results: { reverse: boolean; call: number; return: number; seen: string }[] = [];
    let backgroundDone = false;

    const clients: Client[] = [
      async () => {
        for (const [i, w] of writes.entries()) {
          writeCall[i + 1] = clock++;
          await (w.value === undefined ? store.delete(b(w.key)) : store.put(b(w.key), b(w.value)));
          writeReturn[i + 1] = clock++;
        }
      },
      // A scanner scans again and again until the background calls are over, and twice more
      // (a compaction runs on after the checkpoint that started it), so that some scan is midway
      // when a flush or a compaction swaps the tables.
      ...scans.map(({ reverse, delay }, n) => async () => {
        for (let step = 0; step < delay; step++) await scheduler.schedule(Promise.resolve(), `scanner ${n} waits`);
        for (let round = 0, after = 0; round < 8 && after < 2; round++) {
          if (backgroundDone) after++;
          const call = clock++;
          const seen: [string, string][] = [];
          for await (const entry of store.scan({ gte: b('w'), lt: b('x'), reverse })) {
            seen.push([text(entry.key)!, text(entry.value)!]);
            // A pause the scheduler may fill with other work.
            await scheduler.schedule(Promise.resolve(), `scanner ${n} pauses after ${text(entry.key)}`);
          }
          results.push({ reverse, call, return: clock++, seen: renderEntries(seen) });
        }
      }),
      async () => {
        // Writes outside the scanned range, each followed by a checkpoint: on an LSM tree, four
        // more tables at level 0, which start a compaction of the tables the scans are reading.
        for (let round = 0; round < 4; round++) {
          await store.put(b(`z-background-${round}`), b('x'));
          await store.checkpoint();
        }
        for (const work of background) await (work === 'flush' ? store.flush() : store.checkpoint());
        backgroundDone = true;
      },
    ];
    await drive(scheduler, clients, () => [`${results.length} scans done, ${writeReturn.length === 0 ? 0 : writeReturn.length - 1} of ${writes.length} writes, background work ${backgroundDone ? 'done' : 'not done'}`], 'a writer, scanners and background work at once');
    await drive(scheduler, [() => store.close()], () => ['close()'], 'closing the store');

    for (const scan of results) {
      // sj is current at some instant of [call, return] iff write j began before the scan
      // returned and write j+1 had not returned when the scan was called.
      const candidates = states
        .map((state, j) => ({ j, state }))
        .filter(({ j }) => (j === 0 || writeCall[j]! < scan.return) && (j === writes.length || writeReturn[j + 1]! > scan.call));
      if (candidates.some(({ state }) => render(state, scan.reverse) === scan.seen)) continue;
      const timing = writes.map((w, i) => `write ${i + 1} (${w.key} ${w.value === undefined ? 'deleted' : `= ${short(w.value)}`}) from t${writeCall[i + 1]} to t${writeReturn[i + 1]}`);
      throw mismatch(
        `a scan (called at t${scan.call}, returned at t${scan.return}${scan.reverse ? ', reverse' : ''}) returned a mix of states`,
        `one of the states current during the scan:\n${candidates.map(({ j, state }) => `    s${j}: ${render(state, scan.reverse)}`).join('\n')}`,
        scan.seen || '(nothing)',
        `the writes, one at a time:\n    ${timing.join('\n    ')}\n` +
          '(a scan must read one snapshot: the tables, pages and log it started with, whatever flushes and compactions do meanwhile)',
      );
    }
  },
  { numRuns: 500, timeout: 60_000 }, // 500 schedules per engine: a few seconds
);
