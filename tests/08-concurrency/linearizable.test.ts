// Stage 08: every call is linearizable, whatever order the disk answers in. fast-check's
// scheduler picks, one by one, which pending I/O completes next — so each run is one
// interleaving of clients, flushes, compactions and checkpoints — and the recorded history
// (invoke / ok per call) goes through the Wing–Gong–Lowe checker, key by key.

import fc from 'fast-check';
import { failure } from '../../harness/assert.ts';
import { checkLinearizable, HistoryRecorder, type Input } from '../../harness/linearizability/index.ts';
import { b, type Client, drive, property, scheduledStore, text } from './setup.ts';

type Call = { f: 'get' | 'delete'; key: string } | { f: 'put'; key: string; size: number };
type Background = 'flush' | 'checkpoint';
interface Workload {
  clients: Call[][];
  background: Background[];
}

const KEYS = ['a', 'b', 'c'] as const;
const key = fc.constantFrom(...KEYS);
const call: fc.Arbitrary<Call> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ f: fc.constant('put' as const), key, size: fc.integer({ min: 1, max: 200 }) }) },
  { weight: 3, arbitrary: fc.record({ f: fc.constant('get' as const), key }) },
  { weight: 1, arbitrary: fc.record({ f: fc.constant('delete' as const), key }) },
);
const workload: fc.Arbitrary<Workload> = fc.record({
  clients: fc.array(fc.array(call, { minLength: 1, maxLength: 5 }), { minLength: 2, maxLength: 4 }),
  background: fc.array(fc.constantFrom<Background>('flush', 'checkpoint', 'checkpoint'), { maxLength: 4 }),
});

/** Values say who wrote them: "c1.2" is client 1's third call, padded to its size with dots. */
const valueFor = (client: number, index: number, size: number) => `c${client}.${index}`.padEnd(size, '.');

property(
  '08-L01',
  'concurrent gets, puts and deletes beside flushes, compactions and checkpoints are linearizable, in every interleaving the scheduler picks (Wing–Gong–Lowe, per key)',
  'Linearizable calls',
  fc.tuple(fc.scheduler(), workload),
  async (stage, [scheduler, { clients, background }]) => {
    const recorder = new HistoryRecorder();
    const preload = new Map(KEYS.map((k) => [k, `initial-${k}`]));
    for (const [k, value] of preload) recorder.ok(recorder.invoke(-1, { f: 'put', key: k, value }), { ok: true });
    const { store } = await scheduledStore(stage, scheduler, preload);

    const run = async (client: number, input: Input, act: () => Promise<string | undefined | void>) => {
      const id = recorder.invoke(client, input);
      try {
        const value = await act();
        recorder.ok(id, input.f === 'get' ? { ok: true, value: value ?? undefined } : { ok: true });
      } catch (error) {
        recorder.unknown(id);
        throw error;
      }
    };
    const callers: Client[] = clients.map((calls, client) => async () => {
      for (const [index, c] of calls.entries()) {
        if (c.f === 'put') {
          const value = valueFor(client, index, c.size);
          await run(client, { f: 'put', key: c.key, value }, () => store.put(b(c.key), b(value)));
        } else if (c.f === 'get') {
          await run(client, { f: 'get', key: c.key }, async () => text(await store.get(b(c.key))));
        } else {
          await run(client, { f: 'delete', key: c.key }, () => store.delete(b(c.key)));
        }
      }
    });
    callers.push(async () => {
      for (const work of background) await (work === 'flush' ? store.flush() : store.checkpoint());
    });
    const inFlight = () =>
      recorder
        .history()
        .filter((op) => op.return === Infinity)
        .map((op) => `client ${op.client}: ${op.input.f} ${op.input.key}${op.input.f === 'put' ? ` = ${op.input.value}` : ''}`);
    await drive(scheduler, callers, inFlight, 'clients calling at once while the disk answers in the scheduler\'s order');
    await drive(scheduler, [() => store.close()], () => ['close()'], 'closing the store after the clients are done');

    const verdict = checkLinearizable(recorder.history());
    if (verdict.ok === false) {
      throw failure(
        'the history of these calls is not linearizable: no order of them, each taking effect at one instant between its call and its return, explains what the calls returned',
        `  key ${JSON.stringify(verdict.key)}:\n${verdict.explanation}\n` +
          '  (client -1 wrote the initial values before the schedule started; the interleaving that produced this is the scheduler report below)',
      );
    }
    if (verdict.ok === 'unknown') throw new Error(`the checker gave up: ${verdict.reason}`);
  },
  { numRuns: 1000, timeout: 60_000 }, // 1,000 schedules per engine: a few seconds
);
