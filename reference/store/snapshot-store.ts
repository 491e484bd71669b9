// Stage 03's store: the in-memory store, saved to disk as a whole and atomically.
//
// save() writes the snapshot to a temporary file, syncs it, renames it over the old snapshot
// and syncs the directory. A crash at any point leaves the old snapshot or the new one: the
// rename is the single moment of change, and the two syncs make it stick.

import path from 'node:path';
import { type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { createDirectory, readIfExists } from '../storage/directory.ts';
import { decodeSnapshot, encodeSnapshot } from '../storage/snapshot-format.ts';
import type { Limits } from './limits.ts';
import { type Entry, MemoryStore } from './memory-store.ts';
import type { ScanOptions } from './scan-options.ts';

export const SNAPSHOT_FILE = 'snapshot.db';
export const TEMP_SUFFIX = '.tmp';

export interface SnapshotStoreOptions {
  dir: string;
  fs?: FileSystem;
  limits?: Partial<Limits>;
}

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
      for (const { key, value } of decodeSnapshot(bytes, file)) memory.put(key, value);
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

  async close(): Promise<void> {
    await this.saving;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    const target = path.join(this.dir, SNAPSHOT_FILE);
    const temp = target + TEMP_SUFFIX;
    const handle = await this.fs.open(temp, 'create');
    try {
      await handle.truncate(0);
      await handle.write(0, bytes);
      await handle.sync(); // the data must be durable before the name points at it
    } finally {
      await handle.close();
    }
    await this.fs.rename(temp, target);
    await this.fs.syncDir(this.dir); // the rename itself must be durable before save resolves
  }
}

/** A temporary file is a save that never finished: it was never acknowledged, so drop it. */
async function removeTemporaryFiles(fs: FileSystem, dir: string): Promise<void> {
  const leftovers = (await fs.readdir(dir)).filter((name) => name.endsWith(TEMP_SUFFIX));
  for (const name of leftovers) await fs.unlink(path.join(dir, name));
  if (leftovers.length > 0) await fs.syncDir(dir);
}
