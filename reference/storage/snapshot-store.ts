// Stage 03's store: the in-memory store, saved to disk as a whole and atomically.
//
// save() writes the snapshot to a temporary file, syncs it, renames it over the old snapshot
// and syncs the directory: six file-system steps (open, truncate, write, sync, rename, syncDir).
// A crash at any point leaves the old snapshot or the new one: the rename is the single moment
// of change, and the two syncs make it stick. A failed save reports its first error and removes
// its temporary file; close() waits for saves without reporting their failures a second time.

import path from 'node:path';
import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { SnapshotStoreOptions } from '../../stages/03-persistence/contract.ts';
import { type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { KvError } from '../core/errors.ts';
import { MemoryStore } from '../core/memory-store.ts';
import { createDirectory, readIfExists } from './directory.ts';
import { decodeSnapshot, encodeSnapshot } from './snapshot-format.ts';

export const SNAPSHOT_FILE = 'snapshot.db';
export const TEMP_SUFFIX = '.tmp';

export class SnapshotStore {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly memory: MemoryStore,
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  static async open({ dir, fs = nodeFileSystem, limits }: SnapshotStoreOptions): Promise<SnapshotStore> {
    await createDirectory(fs, dir);
    await removeTemporaryFiles(fs, dir);
    const memory = new MemoryStore(limits);
    const file = path.join(dir, SNAPSHOT_FILE);
    const bytes = await readIfExists(fs, file);
    if (bytes !== undefined) {
      for (const entry of decodeSnapshot(bytes, file)) {
        checkLoaded(entry, memory.limits, file);
        memory.put(entry.key, entry.value);
      }
    }
    return new SnapshotStore(memory, fs, dir);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.memory.get(key);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.memory.put(key, value);
  }

  delete(key: Uint8Array): void {
    this.memory.delete(key);
  }

  scan(options?: ScanOptions): Iterable<Entry> {
    return this.memory.scan(options);
  }

  /** Saves are queued: two calls never interleave their files. */
  save(): Promise<void> {
    const bytes = encodeSnapshot(this.memory.scan());
    const run = this.saving.then(() => this.write(bytes));
    this.saving = run.catch(() => undefined);
    return run;
  }

  /**
   * Waits for the saves in progress, and resolves even if one failed: each save() already
   * rejected its own caller, and a close that failed for it would leave the store half-closed.
   */
  async close(): Promise<void> {
    await this.saving;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const target = path.join(this.dir, SNAPSHOT_FILE);
    const temp = target + TEMP_SUFFIX;
    try {
      await this.writeTemporary(temp, bytes);
      await this.fs.rename(temp, target);
      await this.fs.syncDir(this.dir); // the rename itself must be durable before save resolves
    } catch (error) {
      // Leave no temporary file behind (on ENOSPC that gives the space back). Best effort and
      // without a directory sync: a leftover that a crash brings back, the next open removes.
      // The error reported is the save's own, not the clean-up's.
      await this.fs.unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  private async writeTemporary(temp: string, bytes: Uint8Array): Promise<void> {
    const handle = await this.fs.open(temp, 'create');
    let failed = false;
    try {
      await handle.truncate(0);
      await handle.write(0, bytes);
      await handle.sync(); // the data must be durable before the name points at it
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // The first error is the cause: a close that fails after a failed write (the same sick
      // disk, usually) must not replace it. A close that fails on its own fails the save.
      await handle.close().catch((error: unknown) => {
        if (!failed) throw error;
      });
    }
  }
}

/**
 * A snapshot saved under larger limits is refused, not trimmed: dropping an entry would lose
 * saved data, and keeping it would make a store that holds what its own put refuses. The file
 * is left as it is; opening with limits at least as large reads it.
 */
function checkLoaded({ key, value }: Entry, limits: Limits, file: string): void {
  if (key.length > limits.maxKeySize) {
    throw new KvError('KEY_TOO_LARGE', `${file}: holds a key of ${key.length} bytes, over this store's limit of ${limits.maxKeySize}; open it with limits.maxKeySize of at least ${key.length}`);
  }
  if (value.length > limits.maxValueSize) {
    throw new KvError('VALUE_TOO_LARGE', `${file}: holds a value of ${value.length} bytes, over this store's limit of ${limits.maxValueSize}; open it with limits.maxValueSize of at least ${value.length}`);
  }
}

/** A temporary file is a save that never finished: it was never acknowledged, so drop it. */
async function removeTemporaryFiles(fs: FileSystem, dir: string): Promise<void> {
  const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith(TEMP_SUFFIX));
  for (const name of leftovers) await fs.unlink(path.join(dir, name));
  if (leftovers.length > 0) await fs.syncDir(dir);
}
