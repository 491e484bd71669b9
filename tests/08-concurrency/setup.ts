// Shared by stage 08's test files: the stage handle, a simulated disk, byte helpers, a store
// opened for schedule tests, and `drive`, which lets fast-check's scheduler run a set of
// concurrent clients to the end — and says so when some call never settles (a lost wake-up),
// judging that from what is pending, never from how long it waited.

import type fc from 'fast-check';
import { expectResolves, mismatch } from '../../harness/assert.ts';
import { defineStage } from '../../harness/kata.ts';
import { ScheduledFileSystem } from '../../harness/sim-fs/scheduled.ts';
import type { ConcurrentStore, Stage08, WalStoreOptions } from '../../stages/08-concurrency/contract.ts';
import { b, DIR, KiB, overwrite, simDisk, text } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage08>('08', ['openStore']);
export { b, DIR, KiB, overwrite, simDisk, text };

/** Options for the tests: a small budget, so the index works on disk, and no structure checks. */
export function options(fs: WalStoreOptions['fs'], more: Partial<WalStoreOptions> = {}): WalStoreOptions {
  return { dir: DIR, fs, paranoid: false, memoryBudget: 16 * KiB, checkpointBytes: 4 * KiB, ...more };
}

/** Opens, and turns a refusal into a failure that says what was being done. */
export async function openOrFail(stage: Stage08, opts: WalStoreOptions, doing: string): Promise<ConcurrentStore> {
  return expectResolves(() => stage.openStore(opts), doing, 'the store opens');
}

export const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;
export const messageOf = (error: unknown): string => String((error as Error | undefined)?.message ?? error);

/**
 * A store on a scheduled disk, with `preload` written in three batches, each followed by a
 * checkpoint, before the schedule starts (on the LSM tree: tables at level 0, so a few more
 * checkpoints start a compaction; on the B+tree: pages on disk), and the disk's scheduling
 * then switched on. (flush() would only sync the log: stage 06.)
 */
export async function scheduledStore(stage: Stage08, scheduler: fc.Scheduler, preload: ReadonlyMap<string, string>): Promise<{ store: ConcurrentStore; disk: ScheduledFileSystem }> {
  const disk = new ScheduledFileSystem(simDisk(), scheduler);
  disk.scheduling = false;
  const store = await openOrFail(stage, options(disk), 'opening a store for a schedule');
  const entries = [...preload];
  for (let batch = 0; batch < 3; batch++) {
    for (const [key, value] of entries.filter((_, i) => i % 3 === batch)) await store.put(b(key), b(value));
    await store.checkpoint();
  }
  disk.scheduling = true;
  return { store, disk };
}

/** `promise`, or a Mismatch saying what never settled after `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(mismatch(doing, 'it settles', `still pending after ${ms / 1000} s — a waiter nothing wakes?`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lets the scheduler complete one pending I/O of its choice, then lets the resumed caller run on
 * to its next I/O, so that the next pick chooses among everything ready at that moment.
 */
export async function releaseOne(scheduler: fc.Scheduler): Promise<void> {
  await scheduler.waitOne();
  await new Promise((resolve) => setImmediate(resolve));
}

/** A client's calls, run one after another: each returns when its call settled. */
export type Client = () => Promise<void>;

/** Turns of the event loop with no task pending and nothing new before drive() calls the clients stuck. */
const QUIET_TURNS = 20;

/** Timers of this process that keep its event loop alive (setTimeout; not unref'ed ones). */
const liveTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

let warm: Promise<void> | undefined;

/**
 * Opens and closes a store once, on a disk of its own, before any schedule: code a store loads
 * on its first open (the reference imports its engine then) is loaded through real I/O that
 * no scheduler sees, and drive() would take the wait for it as a hang.
 */
export function warmUp(stage: Stage08): Promise<void> {
  warm ??= (async () => {
    const store = await openOrFail(stage, options(simDisk()), 'a first open, before any schedule starts');
    await store.close();
  })();
  return warm;
}

/**
 * Runs `clients` concurrently, letting the scheduler pick which pending task completes next —
 * an I/O, or a sleep on the file system's clock (fs.sleep) — until every client is done. When
 * no task is pending, no timer of this process is left beyond those running when drive()
 * began (a store that sleeps through setTimeout is waited for), and QUIET_TURNS turns of the
 * event loop brought nothing new, nothing will ever wake a client still waiting: that is
 * reported with `inFlight()`. Counted in tasks, timers and turns, never in milliseconds, so a
 * loaded machine cannot make a correct store look stuck.
 */
export async function drive(scheduler: fc.Scheduler, clients: readonly Client[], inFlight: () => string[], doing: string): Promise<void> {
  let done = 0;
  const failures: unknown[] = [];
  const timersBefore = liveTimers();
  for (const client of clients) {
    client().then(
      () => done++,
      (error: unknown) => {
        done++;
        failures.push(error);
      },
    );
  }
  for (let quiet = 0; done < clients.length; ) {
    if (scheduler.count() > 0) {
      await releaseOne(scheduler);
      quiet = 0;
    } else if (liveTimers() > timersBefore) {
      await new Promise((resolve) => setTimeout(resolve, 1)); // a store sleeping on a timer of its own
      quiet = 0;
    } else if (quiet < QUIET_TURNS) {
      quiet++;
      await new Promise((resolve) => setImmediate(resolve));
    } else {
      throw mismatch(
        doing,
        'every call settles once the disk has answered every request',
        `no I/O or sleep is pending, no timer is set, and these calls never settled:\n    ${inFlight().join('\n    ')}`,
        '(a lost wake-up: a waiter on the group commit, a lock or the flush that nothing will ever resolve)',
      );
    }
  }
  if (failures.length > 0) throw failures[0];
}
