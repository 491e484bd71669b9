// The fixed workload that 06-C01 crashes at every step and 06-F01 fails at every step: puts and
// deletes over 100 keys, some issued together, with an index flush of its own, an automatic
// checkpoint and an explicit one, recorded in a History as called and acknowledged as resolved.

import { rethrowStub } from '../../harness/assert.ts';
import type { WalStore, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { b, type History, KiB, keyOf } from './setup.ts';

export const WRITES = 120;
const KEYS = 100;
/** The explicit checkpoint comes after this write, issued together with the next four. */
const CHECKPOINT_AFTER = 100;

/**
 * Commit mode; a 16 KiB budget, so an LSM tree flushes its memtable on its own (the reference's
 * holds 8 KiB: some 75 of the keys) — which it can only do before the log reaches
 * checkpointBytes, hence 10 KiB and not less; an automatic checkpoint follows soon after.
 */
export const WORKLOAD_OPTIONS: Partial<WalStoreOptions> = { sync: 'commit', memoryBudget: 16 * KiB, checkpointBytes: 10 * KiB };

export const WORKLOAD_TEXT =
  `${WRITES} puts (100-byte values) and deletes over ${KEYS} keys, awaited one by one except groups of 4 issued together, ` +
  `sync 'commit', 16 KiB memory budget, checkpointBytes 10240, checkpoint() after write ${CHECKPOINT_AFTER}, issued together with the next 4 writes`;

/** Write i's key: mostly a new one; every 7th write deletes a key written just before, every 5th overwrites an older one. */
function keyFor(i: number): string {
  if (i % 7 === 3) return keyOf(i - 2, KEYS);
  if (i % 5 === 0) return keyOf(Math.max(0, i - 11), KEYS);
  return keyOf(i, KEYS);
}

/** What a tolerant run saw: the first call that rejected, and any call made after it that did not. */
export interface Outcome {
  firstError?: { call: string; error: unknown };
  lateSuccess?: string;
  /** Calls made after the first rejection was seen (each had to reject). */
  lateCalls: number;
}

/**
 * Runs the workload (not the close). Not tolerant: the first rejection ends it (a power cut).
 * Tolerant: every call is made and its rejection noted, with any call made after the first
 * rejection was seen that did not reject (a stopped store must reject them all).
 */
export async function runWorkload(store: WalStore, history: History, tolerant: boolean): Promise<Outcome> {
  const outcome: Outcome = { lateCalls: 0 };
  const call = async (label: string, made: () => Promise<void>, record?: () => number): Promise<void> => {
    const late = outcome.firstError !== undefined;
    if (late) outcome.lateCalls++;
    const index = record === undefined ? history.latest : record();
    try {
      await made();
    } catch (error) {
      rethrowStub(error);
      if (!tolerant) throw error;
      outcome.firstError ??= { call: label, error };
      return;
    }
    if (late) outcome.lateSuccess ??= label;
    history.acknowledged(index);
  };
  const write = (i: number): Promise<void> => {
    const key = keyFor(i);
    if (i % 7 === 3) return call(`write ${i}: delete ${key}`, () => store.delete(b(key)), () => history.delete(key));
    const value = `v${i}`.padEnd(100, '.');
    return call(`write ${i}: put ${key} v${i}`, () => store.put(b(key), b(value)), () => history.put(key, value));
  };
  for (let i = 1; i <= WRITES; ) {
    if (i === CHECKPOINT_AFTER + 1) {
      // checkpoint() and four writes issued right after it: they go to the new segment while it runs.
      await Promise.all([call('checkpoint()', () => store.checkpoint()), write(i), write(i + 1), write(i + 2), write(i + 3)]);
      i += 4;
    } else if (i % 20 === 16) {
      // Four writes issued together: they share fsyncs, and each is acknowledged on its own.
      await Promise.all([write(i), write(i + 1), write(i + 2), write(i + 3)]);
      i += 4;
    } else {
      await write(i);
      i++;
    }
  }
  return outcome;
}
