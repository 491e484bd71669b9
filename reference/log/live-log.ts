// The log file a store writes to, with its index and its group commit. A compaction replaces
// it with a new one; the old one stays open while scans and reads still use it, and its
// handle is closed when the last of them is done.

import type { SyncPolicy } from '../../stages/04-append-log/contract.ts';
import type { FileHandle } from '../../stages/file-system.ts';
import type { SkipList } from '../core/skiplist.ts';
import { GroupCommit } from './group-commit.ts';

/** Where a key's current value lies in the log. */
export interface Location {
  valueOffset: number;
  valueLength: number;
  /** The value itself, while its record is still being written: reads must not wait for the disk. */
  pending?: Uint8Array;
}

export class LiveLog {
  readonly sync: GroupCommit;
  private users = 0;
  private retired = false;
  private closing: Promise<void> | undefined;

  constructor(
    readonly generation: number,
    readonly name: string,
    readonly handle: FileHandle,
    readonly index: SkipList<Location>,
    /** Where the next record goes: the log's length, including writes in flight. */
    public end: number,
    policy: SyncPolicy,
  ) {
    this.sync = new GroupCommit(() => handle.sync(), policy, end);
  }

  acquire(): void {
    this.users++;
  }

  async release(): Promise<void> {
    this.users--;
    if (this.retired && this.users === 0) await this.closeHandle();
  }

  /** A key's value: from memory while its write is in flight, else from the log. */
  readValue(location: Location): Promise<Uint8Array> {
    if (location.pending !== undefined) return Promise.resolve(location.pending.slice());
    return this.handle.read(location.valueOffset, location.valueLength);
  }

  /** Runs a read with the log held open. */
  async use<T>(read: () => Promise<T>): Promise<T> {
    this.acquire();
    try {
      return await read();
    } finally {
      await this.release();
    }
  }

  /** No new users; the handle closes once the current ones are done. */
  async retire(): Promise<void> {
    this.retired = true;
    if (this.users === 0) await this.closeHandle();
  }

  private closeHandle(): Promise<void> {
    this.closing ??= this.handle.close();
    return this.closing;
  }
}
