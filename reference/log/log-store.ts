// Stage 04's store, Bitcask-style: every put and delete is a record appended to one log file;
// an in-memory index (the stage 02 skip list) maps each key to where its value lies in the
// log, so a get is one read. Opening replays the log to rebuild the index. Compaction writes
// the live records to a new log and switches to it with a rename.
//
// The rules that keep acknowledged data safe:
// - a write resolves only when its record is synced (group-commit.ts);
// - after any I/O error the store stops: a failed write or sync leaves the log's state
//   unknown, so it refuses everything until it is reopened and the log replayed;
// - the old log is removed only after the new one and its name are durable.

import path from 'node:path';
import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { LogStoreOptions, SyncPolicy } from '../../stages/04-append-log/contract.ts';
import { type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { copyBytes, keepBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from '../core/limits.ts';
import { checkScanOptions } from '../core/scan-options.ts';
import { SkipList } from '../core/skiplist.ts';
import { createDirectory } from '../storage/directory.ts';
import { LiveLog, type Location } from './live-log.ts';
import { DELETE, encodeRecord, PUT, RECORD_HEADER } from './record.ts';
import { replayLog } from './recover.ts';

const LOG_NAME = /^(\d{6})\.log$/;
const logName = (generation: number) => `${String(generation).padStart(6, '0')}.log`;

export class LogStore {
  private failure: unknown;
  private closed = false;
  /** Set while a compaction runs: writes wait for it. */
  private compacting: Promise<void> | undefined;
  private readonly inflight = new Set<Promise<unknown>>();

  private constructor(
    private live: LiveLog,
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly limits: Limits,
    private readonly policy: SyncPolicy,
  ) {}

  static async open({ dir, fs = nodeFileSystem, limits = {}, sync = 'batch' }: LogStoreOptions): Promise<LogStore> {
    const fullLimits = { ...DEFAULT_LIMITS, ...limits };
    await createDirectory(fs, dir);
    const names = await fs.readdir(dir);
    const logs = names.filter((name) => LOG_NAME.test(name)).sort();
    const live = logs.at(-1) ?? logName(1);
    // Older logs were replaced by a compaction whose clean-up did not finish; .tmp files are
    // compactions that never switched. Neither holds anything the live log does not.
    const leftovers = [...logs.slice(0, -1), ...names.filter((name) => name.endsWith('.tmp'))];
    for (const name of leftovers) await fs.unlink(path.join(dir, name));
    const file = path.join(dir, live);
    const handle = await fs.open(file, 'create');
    if (leftovers.length > 0 || logs.length === 0) await fs.syncDir(dir);
    const bytes = await handle.read(0, await handle.size());
    const replay = replayLog(bytes, file, fullLimits.maxKeySize + fullLimits.maxValueSize);
    if (replay.tornTail !== undefined) {
      // Cut the tail off for good, so new records follow the last intact one.
      await handle.truncate(replay.validLength);
      await handle.sync();
    }
    const index = new SkipList<Location>();
    for (const record of replay.records) {
      if (record.type === DELETE) index.delete(record.key);
      else index.set(keepBytes(record.key), { valueOffset: record.valueOffset, valueLength: record.value.length });
    }
    const generation = Number(LOG_NAME.exec(live)![1]);
    return new LogStore(new LiveLog(generation, live, handle, index, replay.validLength, sync), fs, dir, fullLimits, sync);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key, this.limits);
    this.checkOpen();
    const live = this.live;
    const location = live.index.get(key);
    if (location === undefined) return undefined;
    return live.use(() => live.readValue(location));
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    return this.track(this.append(PUT, keepBytes(key), keepBytes(value)));
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    return this.track(this.append(DELETE, keepBytes(key), new Uint8Array(0)));
  }

  /** Entries in order, each value read from the log; the scan keeps to the log it started on. */
  async *scan(options?: ScanOptions): AsyncGenerator<Entry> {
    const { bounds, reverse, limit } = checkScanOptions(options);
    this.checkOpen();
    const live = this.live;
    live.acquire();
    try {
      let left = limit;
      for (const [key, location] of live.index.entries(bounds, reverse)) {
        if (left-- <= 0) return;
        const value = await live.readValue(location);
        yield { key: copyBytes(key), value };
      }
    } finally {
      await live.release();
    }
  }

  async compact(): Promise<void> {
    this.checkOpen();
    while (this.compacting !== undefined) await this.compacting.catch(() => undefined);
    this.compacting = this.rewrite().catch((error: unknown) => this.fail(error));
    try {
      await this.compacting;
    } finally {
      this.compacting = undefined;
    }
  }

  async stats(): Promise<{ file: string; bytes: number; keys: number; syncs: number }> {
    const { name, end, index, sync } = this.live;
    return { file: name, bytes: end, keys: index.size, syncs: sync.syncs };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.compacting?.catch(() => undefined);
    await Promise.allSettled([...this.inflight]);
    await this.live.retire();
  }

  /** Appends one record at the end of the live log and waits until it is durable. */
  private async append(type: typeof PUT | typeof DELETE, key: Uint8Array, value: Uint8Array): Promise<void> {
    while (this.compacting !== undefined) await this.compacting.catch(() => undefined);
    this.checkOpen();
    const live = this.live;
    const record = encodeRecord({ type, key, value, syncedLength: live.sync.syncedLength });
    // Claim the range and update the index now, before any await: log order is call order.
    const offset = live.end;
    live.end += record.length;
    const location: Location = { valueOffset: offset + RECORD_HEADER + key.length, valueLength: value.length, pending: value };
    if (type === PUT) live.index.set(key, location);
    else live.index.delete(key);
    try {
      await live.handle.write(offset, record);
      delete location.pending; // on disk now: reads may go to the log
      live.sync.written(offset, offset + record.length);
      await live.sync.durableThrough(offset + record.length);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Writes every live record to the next log, makes it durable, switches, removes the old. */
  private async rewrite(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
    this.checkOpen();
    const old = this.live;
    const generation = old.generation + 1;
    const name = logName(generation);
    const finalPath = path.join(this.dir, name);
    const tempPath = `${finalPath}.tmp`;
    const handle = await this.fs.open(tempPath, 'create');
    await handle.truncate(0);
    const index = new SkipList<Location>();
    // Every record of the new log becomes live at once, after the log is synced and renamed:
    // each says so (synced length = the whole file), so damage anywhere in it is provable.
    let total = 0;
    for (const [key, location] of old.index.entries()) total += RECORD_HEADER + key.length + location.valueLength;
    let end = 0;
    for (const [key, location] of old.index.entries()) {
      const value = await old.readValue(location);
      const record = encodeRecord({ type: PUT, key, value, syncedLength: total });
      await handle.write(end, record);
      index.set(key, { valueOffset: end + RECORD_HEADER + key.length, valueLength: value.length });
      end += record.length;
    }
    await handle.sync(); // the new log's content must be durable before its name is
    await this.fs.rename(tempPath, finalPath);
    await this.fs.syncDir(this.dir); // …and its name before the old log goes
    this.live = new LiveLog(generation, name, handle, index, end, this.policy);
    await old.retire();
    await this.fs.unlink(path.join(this.dir, old.name));
    await this.fs.syncDir(this.dir);
  }

  private track(work: Promise<void>): Promise<void> {
    this.inflight.add(work);
    void work.then(
      () => this.inflight.delete(work),
      () => this.inflight.delete(work),
    );
    return work;
  }

  /** Stops the store for good (until reopened) and rethrows the error that caused it. */
  private fail(error: unknown): never {
    this.failure ??= error;
    this.live.sync.fail(error); // writers still waiting for a sync must not be acknowledged
    throw error;
  }

  private checkOpen(): void {
    if (this.closed) throw new KvError('CLOSED', 'the store is closed');
    if (this.failure !== undefined) {
      const cause = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new KvError('CLOSED', `the store stopped after an I/O error (${cause}); reopen it to replay the log`);
    }
  }

}
