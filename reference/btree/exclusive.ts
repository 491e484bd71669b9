// One operation at a time, in call order: a first-in first-out lock for async work.
//
// The B+tree runs every get, put, delete, scan batch and flush alone. Between its awaits an
// operation may hold a half-descended path, and a concurrent write could copy, merge or free
// the pages on it. Running alone makes that impossible, costs nothing when there is no queue
// (the common case: the lock is a boolean), and keeps the order callers see: writes take effect
// in the order they were called, and a get called after a put sees it. Letting readers run side
// by side with latches is stage 08's subject.

export class Exclusive {
  private busy = false;
  private readonly waiting: Array<() => void> = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await work();
    } finally {
      // Hand the lock straight to the next in line (busy stays true), or set it down.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.busy = false;
    }
  }
}
