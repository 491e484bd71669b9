// A seeded simulation for testing the checker: several clients run random gets, puts and deletes
// against a correct in-memory store, each operation's call, effect and return being separate
// steps interleaved by a seeded scheduler; some operations fail or time out (outcome unknown).

import { HistoryRecorder } from './recorder.ts';
import type { Input, Operation, Output } from './types.ts';

export interface SimulationOptions {
  seed: number;
  clients: number;
  keys: number;
  ops: number;
  /** Chance an operation fails without effect, and chance its outcome is unknown; default 0. */
  failRate?: number;
  unknownRate?: number;
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface InFlight {
  id: number;
  input: Input;
  applied: boolean;
  output?: Output;
  outcome: 'ok' | 'fail' | 'unknown';
}

/** Runs the simulation; put values are unique ("c<client>-<n>"), so each read names its write. */
export function simulate(options: SimulationOptions): Operation[] {
  const random = prng(options.seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const store = new Map<string, string>();
  const recorder = new HistoryRecorder();
  const current: (InFlight | null)[] = Array.from({ length: options.clients }, () => null);
  let started = 0;
  let counter = 0;
  while (started < options.ops || current.some((c) => c !== null)) {
    const client = pick(options.clients);
    const flight = current[client];
    if (flight === null || flight === undefined) {
      if (started >= options.ops) continue;
      started++;
      const key = `k${pick(options.keys)}`;
      const roll = random();
      const input: Input = roll < 0.45 ? { f: 'get', key } : roll < 0.85 ? { f: 'put', key, value: `c${client}-${counter++}` } : { f: 'delete', key };
      const r = random();
      const failRate = options.failRate ?? 0;
      const outcome = r < failRate ? 'fail' : r < failRate + (options.unknownRate ?? 0) ? 'unknown' : 'ok';
      current[client] = { id: recorder.invoke(client, input), input, applied: false, outcome };
    } else if (!flight.applied) {
      flight.applied = true;
      // A failed operation has no effect; an unknown one takes effect half the time.
      if (flight.outcome === 'fail' || (flight.outcome === 'unknown' && random() < 0.5)) continue;
      const { input } = flight;
      if (input.f === 'get') flight.output = { ok: true, value: store.get(input.key) };
      else if (input.f === 'put') store.set(input.key, input.value);
      else store.delete(input.key);
      flight.output ??= { ok: true };
    } else {
      if (flight.outcome === 'ok') recorder.ok(flight.id, flight.output ?? { ok: true });
      else if (flight.outcome === 'fail') recorder.fail(flight.id);
      else recorder.unknown(flight.id);
      current[client] = null;
    }
  }
  return recorder.history();
}
