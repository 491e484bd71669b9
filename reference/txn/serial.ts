// Runs async work one piece at a time, in call order: the commits of a transactional store.
// A commit may await inside (it reads the values it is about to replace), so without this
// two commits could check for conflicts and then both go ahead.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** Runs `work` after everything run before it has settled. */
  run<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(work);
    this.tail = result.then(
      () => this.queued--,
      () => this.queued--,
    );
    return result;
  }

  /** Whether nothing is running or queued. */
  get idle(): boolean {
    return this.queued === 0;
  }

  /** Settles once everything run before the call has; at once (no await needed) when idle. */
  barrier(): Promise<void> | undefined {
    return this.queued === 0 ? undefined : this.run(async () => undefined);
  }
}
