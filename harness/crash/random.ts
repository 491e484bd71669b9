// Seeds for the crash runner: one run seed becomes one generator per cycle and purpose
// (workload, kill moment), so a cycle's workload depends only on the seed and its number.

import { Rng } from '../sim-fs/rng.ts';

export type Stream = 'workload' | 'kill';

/** FNV-1a over the run seed, the cycle and the purpose: a stable 32-bit seed. */
export function cycleSeed(seed: number, cycle: number, stream: Stream): number {
  let hash = 0x811c9dc5;
  for (const ch of `${seed}:${cycle}:${stream}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function cycleRng(seed: number, cycle: number, stream: Stream): Rng {
  return new Rng(cycleSeed(seed, cycle, stream));
}

/** A fresh run seed, when none was given. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
