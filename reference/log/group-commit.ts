// Makes appended bytes durable, and tells each writer when its bytes are. With the 'batch'
// policy, writers share fsyncs (group commit): a writer whose bytes are not yet durable waits
// for the sync in progress, then — if that one started before its bytes were written — for
// the next, which covers every write made meanwhile. With 'always', each writer syncs itself.
//
//   writers   A──write──┐         B──write──┐  C──write──┐
//   fsync             [ sync #1: covers A ][ sync #2: covers B and C ]
//   acks                         A ✓                     B ✓  C ✓
//
// Writes may finish out of order, so only the contiguous prefix of finished writes counts:
// if A's write fails, B's bytes sit after a hole that recovery will cut off as a torn tail,
// so B must not be acknowledged either. A failed write or sync is final — after a failed
// fsync the page cache may have dropped the data (fsyncgate) — and every waiter gets the error.

import type { SyncPolicy } from '../../stages/04-append-log/contract.ts';

export class GroupCommit {
  /** Bytes [0, syncedLength) are durable. */
  syncedLength: number;
  /** Bytes [0, contiguous) are written, with no write in flight or failed before them. */
  private contiguous: number;
  /** Finished writes beyond the contiguous prefix: start → end. */
  private readonly finished = new Map<number, number>();
  private running: Promise<void> | undefined;
  private failure: unknown;
  private progress = signal();
  /** fsync calls made, for stats and tests. */
  syncs = 0;

  constructor(
    private readonly fsync: () => Promise<void>,
    private readonly policy: SyncPolicy,
    length: number,
  ) {
    this.syncedLength = length;
    this.contiguous = length;
  }

  /** The write of bytes [start, end) finished. */
  written(start: number, end: number): void {
    this.finished.set(start, end);
    for (let next = this.finished.get(this.contiguous); next !== undefined; next = this.finished.get(this.contiguous)) {
      this.finished.delete(this.contiguous);
      this.contiguous = next;
    }
    this.wake();
  }

  /** A write or sync failed: nothing more will be acknowledged. */
  fail(error: unknown): void {
    this.failure ??= error;
    this.wake();
  }

  /** Resolves once bytes up to `end` are durable; rejects for good after a failure. */
  async durableThrough(end: number): Promise<void> {
    let mustSync = this.policy === 'always';
    while (this.syncedLength < end || mustSync) {
      if (this.failure !== undefined) throw this.failure;
      if (this.contiguous < end) {
        await this.progress.promise; // an earlier write is still in flight
        continue;
      }
      if (this.running !== undefined && !mustSync) {
        await this.running;
        continue;
      }
      mustSync = false;
      await this.syncNow();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Resolves once bytes up to `end` are written, nothing in flight or failed before them; no fsync. */
  async writtenThrough(end: number): Promise<void> {
    while (this.contiguous < end) {
      if (this.failure !== undefined) throw this.failure;
      await this.progress.promise;
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Bytes [0, writtenLength) are written with no hole: what a sync started now would cover. */
  get writtenLength(): number {
    return this.contiguous;
  }

  private syncNow(): Promise<void> {
    const target = this.contiguous;
    this.syncs++;
    const run = this.fsync().then(
      () => {
        if (target > this.syncedLength) this.syncedLength = target;
      },
      (error: unknown) => {
        this.fail(error);
        throw error;
      },
    );
    // Waiters only need to know when it is over; the caller of syncNow gets the outcome.
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = undefined;
    });
    return run;
  }

  private wake(): void {
    const current = this.progress;
    this.progress = signal();
    current.resolve();
  }
}

function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
