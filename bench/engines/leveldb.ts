// leveldb: Google's LevelDB through classic-level (bench/peers). Opened with compression off
// (dbkata compresses nothing; the values are random anyway) and the same cache size as
// dbkata's memory budget. Writes use sync:false, LevelDB's default, except at a durability
// point, where the group's last put is written with sync:true: that fsyncs the log, and with
// it every earlier write.

import { peerVersion, requirePeer } from '../peer-packages.ts';
import type { BenchEngine, BenchStore } from './engine.ts';

/** The part of classic-level's API the bench uses. */
interface Iterator {
  nextv(size: number): Promise<unknown[]>;
  close(): Promise<void>;
}
interface Level {
  open(): Promise<void>;
  put(key: Buffer, value: Buffer, options?: { sync: boolean }): Promise<void>;
  get(key: Buffer): Promise<Buffer | undefined>;
  iterator(options: { gte?: Buffer; limit?: number }): Iterator;
  close(): Promise<void>;
}
type LevelClass = new (location: string, options: Record<string, unknown>) => Level;

class LevelBenchStore implements BenchStore {
  constructor(private readonly db: Level) {}

  async putGroup(keys: readonly Buffer[], values: readonly Buffer[], durable: boolean): Promise<void> {
    const last = keys.length - 1;
    await Promise.all(keys.slice(0, last).map((key, i) => this.db.put(key, values[i]!)));
    await this.db.put(keys[last]!, values[last]!, { sync: durable });
  }

  getGroup(keys: readonly Buffer[]): Promise<(Buffer | undefined)[]> {
    return Promise.all(keys.map((key) => this.db.get(key)));
  }

  async scan(start: Buffer | undefined, limit: number | undefined): Promise<number> {
    const options: { gte?: Buffer; limit?: number } = {};
    if (start !== undefined) options.gte = start;
    if (limit !== undefined) options.limit = limit;
    const iterator = this.db.iterator(options);
    let count = 0;
    try {
      for (;;) {
        const entries = await iterator.nextv(1000);
        if (entries.length === 0) break;
        count += entries.length;
      }
    } finally {
      await iterator.close();
    }
    return count;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

export const leveldb: BenchEngine = {
  name: 'leveldb',
  peer: true,
  missing: () => undefined,
  version: () => `classic-level ${peerVersion('classic-level')} (LevelDB 1.20)`,
  mode: (durable) =>
    durable
      ? { mode: 'sync:true per group', detail: 'classic-level, compression off: the last put of every group has sync:true (one fsync of the log per group)' }
      : { mode: 'sync:false, fsync at end', detail: 'classic-level, compression off: puts with sync:false; the very last put has sync:true, which fsyncs the log once' },
  async open({ dir, memoryBudget }) {
    const { ClassicLevel } = requirePeer<{ ClassicLevel: LevelClass }>('classic-level');
    const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', compression: false, cacheSize: memoryBudget });
    await db.open();
    return new LevelBenchStore(db);
  },
};
