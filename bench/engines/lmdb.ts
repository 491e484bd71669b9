// lmdb: LMDB (a copy-on-write B+tree in a memory map) through lmdb-js (bench/peers), with
// binary keys and values and compression off. Each put returns a promise; the puts of one tick
// commit together on lmdb-js's write thread. By default the bench opens it with noSync (commits
// are not fsynced, like LevelDB's sync:false) and forces one mdb_env_sync (`db.sync`) at the
// end; --durable keeps lmdb-js's default, an fsync after every commit (overlappingSync), and
// awaits `db.flushed` after every group. LMDB has no cache setting: it reads through the OS
// page cache.

import path from 'node:path';
import { peerVersion, requirePeer } from '../peer-packages.ts';
import type { BenchEngine, BenchStore } from './engine.ts';

/** The part of lmdb-js's API the bench uses. */
interface Lmdb {
  put(key: Buffer, value: Buffer): Promise<boolean>;
  get(key: Buffer): Buffer | undefined;
  getRange(options: { start?: Buffer; limit?: number }): Iterable<{ key: Buffer; value: Buffer }>;
  readonly flushed: Promise<boolean>;
  sync(callback: (error?: unknown) => void): void;
  close(): Promise<void>;
}
interface LmdbPackage {
  open(options: Record<string, unknown>): Lmdb;
  version: { versionString: string };
}

class LmdbBenchStore implements BenchStore {
  constructor(
    private readonly db: Lmdb,
    private readonly noSync: boolean,
  ) {}

  async putGroup(keys: readonly Buffer[], values: readonly Buffer[], durable: boolean): Promise<void> {
    await Promise.all(keys.map((key, i) => this.db.put(key, values[i]!)));
    if (!durable) return;
    if (!this.noSync) await this.db.flushed;
    else await new Promise<void>((resolve, reject) => this.db.sync((error) => (error ? reject(error) : resolve())));
  }

  getGroup(keys: readonly Buffer[]): (Buffer | undefined)[] {
    return keys.map((key) => this.db.get(key));
  }

  scan(start: Buffer | undefined, limit: number | undefined): number {
    const options: { start?: Buffer; limit?: number } = {};
    if (start !== undefined) options.start = start;
    if (limit !== undefined) options.limit = limit;
    let count = 0;
    for (const entry of this.db.getRange(options)) if (entry.value) count++;
    return count;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export const lmdb: BenchEngine = {
  name: 'lmdb',
  peer: true,
  missing: () => undefined,
  version: () => `lmdb-js ${peerVersion('lmdb')} (${requirePeer<LmdbPackage>('lmdb').version.versionString.split(':')[0]})`,
  mode: (durable) =>
    durable
      ? { mode: 'fsync per commit, flushed per group', detail: 'lmdb-js default sync (fsync after every commit, overlappingSync), compression off: await db.flushed after every group' }
      : { mode: 'noSync, fsync at end', detail: 'lmdb-js, compression off, noSync: async puts committed in batches without fsync; one forced mdb_env_sync (db.sync) at the end' },
  async open({ dir, durable }) {
    const { open } = requirePeer<LmdbPackage>('lmdb');
    const file = path.join(dir, 'data.mdb');
    return new LmdbBenchStore(open({ path: file, keyEncoding: 'binary', encoding: 'binary', compression: false, noSync: !durable }), !durable);
  },
};
