// sqlite: SQLite through better-sqlite3 (bench/peers), in the set-up most applications use:
// journal_mode=WAL, synchronous=NORMAL, one table `kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT
// ROWID` (BLOBs compare bytewise, like dbkata's keys), cache the size of dbkata's memory
// budget. better-sqlite3 is synchronous, so a group of puts is one transaction; in WAL mode
// NORMAL does not fsync a commit, FULL does, so a durability point commits with FULL.

import path from 'node:path';
import { peerVersion, requirePeer } from '../peer-packages.ts';
import type { BenchEngine, BenchStore } from './engine.ts';

/** The part of better-sqlite3's API the bench uses. */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  raw(raw: boolean): Statement;
  iterate(...params: unknown[]): Iterable<unknown[]>;
}
interface Database {
  pragma(source: string): unknown;
  exec(source: string): void;
  prepare(source: string): Statement;
  transaction(body: () => void): () => void;
  close(): void;
}
type DatabaseClass = new (file: string) => Database;

class SqliteBenchStore implements BenchStore {
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly scanFrom: Statement;
  private readonly scanAll: Statement;

  constructor(
    private readonly db: Database,
    private readonly synchronous: 'NORMAL' | 'FULL',
  ) {
    this.insert = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
    this.select = db.prepare('SELECT v FROM kv WHERE k = ?').raw(true);
    this.scanFrom = db.prepare('SELECT k, v FROM kv WHERE k >= ? ORDER BY k LIMIT ?').raw(true);
    this.scanAll = db.prepare('SELECT k, v FROM kv ORDER BY k').raw(true);
  }

  async putGroup(keys: readonly Buffer[], values: readonly Buffer[], durable: boolean): Promise<void> {
    const commitFull = durable && this.synchronous !== 'FULL';
    if (commitFull) this.db.pragma('synchronous = FULL');
    this.db.transaction(() => {
      for (let i = 0; i < keys.length; i++) this.insert.run(keys[i], values[i]);
    })();
    if (commitFull) this.db.pragma(`synchronous = ${this.synchronous}`);
  }

  getGroup(keys: readonly Buffer[]): (Buffer | undefined)[] {
    return keys.map((key) => (this.select.get(key) as [Buffer] | undefined)?.[0]);
  }

  scan(start: Buffer | undefined, limit: number | undefined): number {
    const rows = start === undefined && limit === undefined ? this.scanAll.iterate() : this.scanFrom.iterate(start ?? Buffer.alloc(0), limit ?? -1);
    let count = 0;
    for (const row of rows) if (row[1]) count++;
    return count;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

export const sqlite: BenchEngine = {
  name: 'sqlite',
  peer: true,
  missing: () => undefined,
  version: () => {
    const Database = requirePeer<DatabaseClass>('better-sqlite3');
    const db = new Database(':memory:');
    const { v } = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    db.close();
    return `better-sqlite3 ${peerVersion('better-sqlite3')} (SQLite ${v})`;
  },
  mode: (durable) =>
    durable
      ? { mode: 'WAL, FULL per group', detail: 'journal_mode=WAL, synchronous=FULL: every group is one transaction whose commit fsyncs the WAL' }
      : { mode: 'WAL, NORMAL, fsync at end', detail: 'journal_mode=WAL, synchronous=NORMAL: one transaction per group, not fsynced; the last one commits with synchronous=FULL, one fsync of the WAL' },
  async open({ dir, durable, memoryBudget }) {
    const Database = requirePeer<DatabaseClass>('better-sqlite3');
    const db = new Database(path.join(dir, 'kv.sqlite'));
    const synchronous = durable ? 'FULL' : 'NORMAL';
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma(`cache_size = -${Math.ceil(memoryBudget / 1024)}`);
    db.exec('CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
    return new SqliteBenchStore(db, synchronous);
  },
};
