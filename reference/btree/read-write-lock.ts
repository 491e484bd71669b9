// A first-in first-out readers-writer lock for async work.
//
// The B+tree runs every put, delete and flush alone. Between its awaits a write may hold a
// half-descended path, and another operation could copy, merge or free the pages on it; a
// reader could see a page half rebuilt. Gets, scan batches and stats only read the tree,
// so they may run side by side: what they change is the page cache (a page loaded, the least
// recently used evicted), and a page leaves the cache only after any spill of it has been
// written, so a reader either finds it cached or reads the written copy.
//
// A flush is a third kind of holder: it changes no page a reader can reach (copy-on-write,
// pager.ts), but no write may change the tree while it makes it durable. So it runs beside
// readers and excludes writers and other flushes: a reader never waits out a flush's fsyncs,
// unless it was called after a write that is itself waiting for the flush (stage 08).
//
// Strict arrival order keeps what callers see: writes take effect in the order they were
// called, a get called after a put waits for it (it queues behind the writer), and a steady
// stream of readers cannot starve a writer. Uncontended, the lock is a few counters and no
// promise; 100 gets issued together all start at once.

type Mode = 'shared' | 'exclusive' | 'frozen';

interface Waiter {
  mode: Mode;
  start: () => void;
}

export class ReadWriteLock {
  /** Shared holders now running. */
  private readers = 0;
  /** Whether the exclusive holder is running. */
  private writer = false;
  /** Whether a `frozen` holder (a flush) is running. */
  private freezer = false;
  private readonly queue: Waiter[] = [];

  /** Runs `work` beside other shared work (and a flush), after every exclusive call made before it. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    if (this.queue.length > 0 || !this.fits('shared')) await this.wait('shared');
    else this.readers++;
    try {
      return await work();
    } finally {
      this.readers--;
      this.admit();
    }
  }

  /** Runs `work` alone, after every call made before it. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.queue.length > 0 || !this.fits('exclusive')) await this.wait('exclusive');
    else this.writer = true;
    try {
      return await work();
    } finally {
      this.writer = false;
      this.admit();
    }
  }

  /** Runs `work` beside shared work but apart from writers and other frozen work, after every call made before it. */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    if (this.queue.length > 0 || !this.fits('frozen')) await this.wait('frozen');
    else this.freezer = true;
    try {
      return await work();
    } finally {
      this.freezer = false;
      this.admit();
    }
  }

  /** Whether a holder of `mode` may start beside the holders running now. */
  private fits(mode: Mode): boolean {
    if (this.writer) return false;
    if (mode === 'shared') return true;
    if (mode === 'frozen') return !this.freezer;
    return !this.freezer && this.readers === 0;
  }

  /** Queues a caller; admit() counts it in before it starts. */
  private wait(mode: Mode): Promise<void> {
    return new Promise((start) => this.queue.push({ mode, start }));
  }

  /** Lets in the callers at the head of the queue, in order, as long as each fits beside those running. */
  private admit(): void {
    while (this.queue.length > 0 && this.fits(this.queue[0]!.mode)) {
      const next = this.queue.shift()!;
      if (next.mode === 'shared') this.readers++;
      else if (next.mode === 'exclusive') this.writer = true;
      else this.freezer = true;
      next.start();
    }
  }
}
