// Workloads: what the child writes in one cycle, as an endless list of steps drawn from the
// cycle's own generator, so the seed and the cycle number fix it. `kv` (the default) puts and
// deletes over a small key space; `bank` (bank.ts) moves money between accounts. On a stage
// whose writes are durable only at a flush (05), a workload also draws when to flush.

import type { Rng } from '../sim-fs/rng.ts';
import { bankWorkload } from './bank.ts';
import type { CheckRule } from './checker.ts';

/** One write, before the child numbers it. */
export interface OpSpec {
  op: 'put' | 'delete';
  key: string;
  value?: string;
}

/**
 * A group of writes the stage makes durable together: issued concurrently on stage 04 (each
 * acknowledged by its own promise), applied then saved on stage 03, made one after the other
 * on stage 05. Or a compaction; or (stage 05) a flush, which makes every write before it durable.
 */
export type Step = { kind: 'writes'; ops: OpSpec[] } | { kind: 'compact' } | { kind: 'flush' };

export interface StepContext {
  rng: Rng;
  cycle: number;
  /** The store's content when the cycle starts (what the previous cycle left). */
  initial: ReadonlyMap<string, string>;
  /** The most writes one step may hold (the stage's driver decides). */
  maxBatch: number;
  canCompact: boolean;
  /** Stage 05, whose writes are durable only at a flush: one step in this many is a flush. */
  flushOdds?: number;
}

export interface Workload {
  name: string;
  summary: string;
  /** How the checker judges each key after a crash. */
  rule: CheckRule;
  /**
   * The stage from which the workload's invariant over the whole store can be checked (the
   * bank's total needs transactions); undefined when it has none.
   */
  invariantFrom?: string;
  /** The invariant's problems in a recovered store, if it has one. */
  invariant?(observed: ReadonlyMap<string, string>): string[];
  steps(context: StepContext): Generator<Step, never>;
}

const KEYS = 40;

/** Unique per cycle and write; its length varies, now and then large enough to tear. */
export function makeValue(rng: Rng, cycle: number, n: number): string {
  const roll = rng.int(100);
  const length = roll < 3 ? 8_192 + rng.int(32_768) : roll < 20 ? 200 + rng.int(1_800) : rng.int(60);
  const letters = new Array<string>(length);
  for (let i = 0; i < length; i++) letters[i] = String.fromCharCode(97 + rng.int(26));
  return `c${cycle}.${n}:${letters.join('')}`;
}

export const kvWorkload: Workload = {
  name: 'kv',
  summary: 'puts (80%) and deletes (20%) over 40 keys, values of 10 B to 40 KB',
  rule: 'latest',
  *steps({ rng, cycle, maxBatch, canCompact, flushOdds }) {
    let n = 0;
    for (;;) {
      if (canCompact && rng.int(40) === 0) {
        yield { kind: 'compact' };
        continue;
      }
      if (flushOdds !== undefined && rng.int(flushOdds) === 0) yield { kind: 'flush' };
      const ops: OpSpec[] = [];
      const size = 1 + rng.int(maxBatch);
      for (let i = 0; i < size; i++) {
        const key = `k${String(rng.int(KEYS)).padStart(2, '0')}`;
        ops.push(rng.int(5) === 0 ? { op: 'delete', key } : { op: 'put', key, value: makeValue(rng, cycle, n++) });
      }
      yield { kind: 'writes', ops };
    }
  },
};

export const WORKLOADS: Readonly<Record<string, Workload>> = { kv: kvWorkload, bank: bankWorkload };

export function findWorkload(name: string): Workload | undefined {
  return Object.hasOwn(WORKLOADS, name) ? WORKLOADS[name] : undefined;
}
