// What the bench needs from an engine: one adapter per engine (the files beside this one)
// turns its own API into these few calls, and says in which durability mode it runs.

export type EngineName = 'dbkata-log' | 'dbkata-lsm' | 'dbkata-btree' | 'dbkata-wal-lsm' | 'dbkata-wal-btree' | 'leveldb' | 'lmdb' | 'sqlite';

export interface OpenOptions {
  /** A fresh, empty directory of the bench's own; the store keeps its files there. */
  dir: string;
  /** --durable: every group of writes must be on disk before putGroup resolves. */
  durable: boolean;
  /** Bytes of cache/memtable the engine may use, where it takes such a setting. */
  memoryBudget: number;
}

export interface Mode {
  /** Short, for the table: when writes become durable. */
  mode: string;
  /** One sentence for the legend: the settings the engine was opened with. */
  detail: string;
}

export type MaybePromise<T> = T | Promise<T>;

export interface BenchStore {
  /**
   * Writes every entry, each through the engine's own single-key put (the group only says
   * how many may be in flight together). When `durable`, they are all on disk when it resolves.
   */
  putGroup(keys: readonly Buffer[], values: readonly Buffer[], durable: boolean): Promise<void>;
  /** Point gets of the keys, answers in the same order (undefined for a missing key). */
  getGroup(keys: readonly Buffer[]): MaybePromise<(Uint8Array | undefined)[]>;
  /** Reads the entries (keys and values) from the first key >= start on, in key order, at most `limit`; returns how many. */
  scan(start: Buffer | undefined, limit: number | undefined): MaybePromise<number>;
  close(): Promise<void>;
}

export interface BenchEngine {
  name: EngineName;
  /** Peers come from bench/peers/ and run only with --peers. */
  peer: boolean;
  /** Why the engine cannot run on this checkout, or undefined when it can. */
  missing(): string | undefined;
  /** The engine's version, for the report (package version, native library version). */
  version(): string;
  mode(durable: boolean): Mode;
  open(options: OpenOptions): Promise<BenchStore>;
}
