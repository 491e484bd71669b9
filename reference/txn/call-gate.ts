// Counts the calls in flight on a store, so close() can wait for them, and turns every call
// made after close() into CLOSED. A scan counts only while it is fetching: an iterator the
// caller holds but does not advance must not keep close() waiting (the caller may be awaiting
// close() before it would advance it), and its next step after close() gets CLOSED.

import { KvError } from '../core/errors.ts';

export class CallGate {
  private active = 0;
  private closed = false;
  /** Settles once no call is in flight after close(): one promise, whoever calls close() and how often. */
  private drained: Promise<void> | undefined;
  private resolveDrained: (() => void) | undefined;

  /** Throws CLOSED once close() has begun. */
  check(): void {
    if (this.closed) throw new KvError('CLOSED', 'the store is closed');
  }

  /** A call starts; throws CLOSED once close() has begun. */
  enter(): void {
    this.check();
    this.active++;
  }

  /** A call has settled. */
  leave(): void {
    this.active--;
    if (this.active === 0) this.resolveDrained?.();
  }

  /** Runs `work` as one call. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.enter();
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  /** Refuses new calls, and settles once the calls in flight have. */
  close(): Promise<void> {
    this.closed = true;
    if (this.active === 0) return Promise.resolve();
    this.drained ??= new Promise((resolve) => {
      this.resolveDrained = resolve;
    });
    return this.drained;
  }
}
