// Stage 08 — concurrency: many clients on one store, background work beside them, and one
// owner per directory. The interface the tests talk to; the spec is README.md beside it. Do not
// edit this file: your index.ts must export Stage08.

import type { Stage07, TxStore, WalStoreOptions } from '../07-transactions/contract.ts';

export type { BeginOptions, Entry, Isolation, ScanOptions, Stage07, Transaction, TxStore, WalStoreOptions } from '../07-transactions/contract.ts';
export type { FileSystem } from '../file-system.ts';

/**
 * The stage 07 store, now promised safe under any number of calls in flight at once:
 * - every operation is linearizable: it takes effect at one instant between its call and the
 *   moment its promise settles, and a scan reads one consistent snapshot even while flushes,
 *   compactions and checkpoints swap files under it;
 * - background work (flush, compaction, checkpoint) never blocks reads; writes wait only while
 *   the data held for them is over `memoryBudget` (back-pressure), never for unbounded growth;
 * - one owner per directory: the file `LOCK` in dir, created exclusively, holds the owner's pid
 *   and a newline (`fs.pid`); opening a directory whose LOCK names a running process (in this
 *   process or another: `fs.isRunning(pid)`) rejects with code 'LOCKED' and a message naming
 *   that pid; a LOCK naming a process that is not running is taken over, by exactly one of
 *   the processes that try at once;
 * - close() waits for calls in flight and background work, and releases the directory; a call
 *   made after close() rejects with code 'CLOSED'.
 */
export type ConcurrentStore = TxStore;

export interface Stage08 {
  /**
   * Opens the store in `dir`, taking its lock. `base` is stage 07, handed in by the tests (your
   * own, or the reference's with `--base reference`): the store this stage makes safe.
   */
  openStore(options: WalStoreOptions, base?: Stage07): Promise<ConcurrentStore>;
}
