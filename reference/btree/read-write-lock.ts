// A first-in first-out readers-writer lock for async work.
//
// The B+tree runs every put, delete and flush alone. Between its awaits a write may hold a
// half-descended path, and another operation could copy, merge or free the pages on it; a
// reader could see a page half rebuilt. Gets, scan batches and stats only read the tree,
// so they may run side by side: what they change is the page cache (a page loaded, the least
// recently used evicted), and a page leaves the cache only after any spill of it has been
// written, so a reader either finds it cached or reads the written copy.
//
// Strict arrival order keeps what callers see: writes take effect in the order they were
// called, a get called after a put waits for it (it queues behind the writer), and a steady
// stream of readers cannot starve a writer. Uncontended, the lock is two counters and no
// promise; 100 gets issued together all start at once. Finer latches are stage 08's subject.

interface Waiter {
  shared: boolean;
  start: () => void;
}

export class ReadWriteLock {
  /** Shared holders now running. */
  private readers = 0;
  /** Whether the exclusive holder is running. */
  private writer = false;
  private readonly queue: Waiter[] = [];

  /** Runs `work` beside other shared work, after every exclusive call made before it. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    if (this.writer || this.queue.length > 0) await this.wait(true);
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
    if (this.writer || this.readers > 0 || this.queue.length > 0) await this.wait(false);
    else this.writer = true;
    try {
      return await work();
    } finally {
      this.writer = false;
      this.admit();
    }
  }

  /** Queues a caller; admit() counts it in before it starts. */
  private wait(shared: boolean): Promise<void> {
    return new Promise((start) => this.queue.push({ shared, start }));
  }

  /** Lets in the callers at the head of the queue: one writer once the lock is free, or every reader up to the next writer. */
  private admit(): void {
    while (this.queue.length > 0 && !this.writer) {
      const next = this.queue[0]!;
      if (!next.shared && this.readers > 0) return;
      this.queue.shift();
      if (next.shared) this.readers++;
      else this.writer = true;
      next.start();
    }
  }
}
