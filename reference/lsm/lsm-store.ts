// The LSM tree: writes go to a memtable (memtable.ts, on the stage 02 skip list); a full one becomes
// immutable and is flushed in the background to a sorted table at level 0; compaction merges
// tables down the levels. A read looks at the memtable, the immutable one, then the tables
// from newest to oldest, and the first cell it finds — a value or a tombstone — is the answer.
//
//   put ─▶ memtable ──full──▶ immutable ──flush──▶ L0: t9 t8 t7 (overlapping, newest first)
//                                                  L1: [a..f][g..m][n..z]     (disjoint)
//                                                  L2: ten times L1 …
//
// Without a write-ahead log (stage 06 adds one), a write is durable once a flush that covers
// it has installed its table in the manifest; after a crash the tree is the last manifest's,
// which always holds a prefix of the store's history.

import path from 'node:path';
import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStats } from '../../stages/05-disk-index/contract.ts';
import { nodeFileSystem, type FileSystem } from '../../stages/file-system.ts';
import { compareBytes, copyBytes, keepBytes } from '../core/bytes.ts';
import type { EngineOptions } from '../core/engine-options.ts';
import { KvError } from '../core/errors.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from '../core/limits.ts';
import { checkScanOptions } from '../core/scan-options.ts';
import { createDirectory, readIfExists } from '../storage/directory.ts';
import { claimDirectory, ENGINE_FILE } from '../storage/engine-file.ts';
import { BlockCache } from './block-cache.ts';
import { type Cell, TOMBSTONE } from './cell.ts';
import { keepCell, L0_STOP, pickCompaction, type Plan } from './compaction.ts';
import { LevelCursor } from './level-cursor.ts';
import { decodeManifest, MANIFEST, type ManifestState, repairHint, writeManifest } from './manifest.ts';
import { Memtable, MemtableCursor } from './memtable.ts';
import { type Cursor, MergingCursor } from './merge.ts';
import { StoreScan } from './store-scan.ts';
import { TableBuilder, type TableMeta, tableName } from './table-builder.ts';
import { TableReader } from './table-reader.ts';
import { releaseAll, Table, Version } from './version.ts';

const DEFAULT_BUDGET = 8 * 1024 * 1024;

export class LsmStore {
  private memtable = new Memtable();
  private immutable: Memtable | undefined;
  private flushing: Promise<void> | undefined;
  private compacting: Promise<void> | undefined;
  private manifestEdits: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  private readonly compactionPointers = new Map<number, Uint8Array>();
  private readonly counters = { flushes: 0, compactions: 0 };

  private constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
    private readonly limits: Limits,
    private readonly cache: BlockCache,
    private readonly memtableBytes: number,
    private readonly paranoid: boolean,
    private version: Version,
    private nextFileNumber: number,
    private readonly beforeDurable: (() => Promise<void>) | undefined,
  ) {}

  static async open({ dir, fs = nodeFileSystem, limits = {}, memoryBudget = DEFAULT_BUDGET, paranoid = false, beforeDurable }: EngineOptions): Promise<LsmStore> {
    await createDirectory(fs, dir);
    const claim = await claimDirectory(fs, dir, { engine: 'lsm', logged: beforeDurable !== undefined });
    const state = await readOrCreateManifest(fs, dir, claim.made);
    // A quarter of the budget for the memtable (two can exist), half for the block cache.
    const memtableBytes = Math.max(8 * 1024, Math.floor(memoryBudget / 4));
    const cache = new BlockCache(Math.max(8 * 1024, Math.floor(memoryBudget / 2)));
    const levels = await Promise.all(
      state.levels.map((tables) => Promise.all(tables.map(async (meta) => new Table(await TableReader.open(fs, path.join(dir, tableName(meta.number)), meta, cache))))),
    );
    await removeLeftovers(fs, dir, new Set(levels.flat().map((t) => tableName(t.meta.number))));
    await claim.confirm(); // last: the manifest it vouches for is durable
    return new LsmStore(fs, dir, { ...DEFAULT_LIMITS, ...limits }, cache, memtableBytes, paranoid, new Version(levels), state.nextFileNumber, beforeDurable);
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key, this.limits);
    this.checkOpen();
    // Not `??` between the two: a tombstone is null, and must hide what the older memtable holds.
    let found = this.memtable.list.get(key);
    if (found === undefined) found = this.immutable?.list.get(key);
    if (found !== undefined) return found === TOMBSTONE ? undefined : copyBytes(found);
    const version = this.version;
    const candidates = [...(version.levels[0] ?? [])];
    for (let level = 1; level < version.levels.length; level++) {
      const table = version.tableFor(level, key);
      if (table !== undefined) candidates.push(table);
    }
    for (const table of candidates) table.hold();
    try {
      for (const table of candidates) {
        const pending = table.reader.get(key);
        const cell = pending instanceof Promise ? await pending : pending;
        if (cell !== undefined) return cell === TOMBSTONE ? undefined : copyBytes(cell);
      }
      return undefined;
    } finally {
      const closing = releaseAll(candidates);
      if (closing !== undefined) await closing;
    }
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    await this.write(keepBytes(key), keepBytes(value));
  }

  async delete(key: Uint8Array): Promise<void> {
    checkKey(key, this.limits);
    await this.write(keepBytes(key), TOMBSTONE);
  }

  scan(options?: ScanOptions): AsyncIterableIterator<Entry> {
    return new StoreScan(async () => {
      const { bounds, reverse, limit } = checkScanOptions(options);
      this.checkOpen();
      const version = this.version; // one version throughout: a flush may install another while we await
      const tables = version.tables;
      for (const table of tables) table.hold();
      try {
        const cursors: Cursor[] = [this.memtable, this.immutable]
          .filter((m): m is Memtable => m !== undefined)
          .map((m) => new MemtableCursor(m.list, bounds, reverse));
        // Level 0's tables overlap: a cursor each. Deeper levels are disjoint: a cursor per level.
        const [level0 = [], ...deeper] = version.levels;
        for (const table of level0) cursors.push(await table.reader.cursor(bounds, reverse));
        for (const level of deeper) cursors.push(await LevelCursor.open(level, bounds, reverse));
        return { cursor: new MergingCursor(cursors, reverse), tables, limit };
      } catch (error) {
        await releaseAll(tables);
        throw error;
      }
    });
  }

  /** Flushes the memtable and waits until its table is in the manifest. */
  async flush(): Promise<void> {
    this.checkOpen();
    if (this.memtable.list.size > 0) await this.rotate();
    while (this.flushing !== undefined) await this.flushing;
    this.checkOpen();
  }

  async stats(): Promise<DiskStats> {
    const tables = this.version.tables;
    const files = tables.map((t) => ({ name: tableName(t.meta.number), bytes: t.meta.bytes }));
    for (const name of [MANIFEST, ENGINE_FILE]) files.push({ name, bytes: (await this.fs.stat(path.join(this.dir, name))).size });
    const resident = tables.reduce((sum, t) => sum + t.reader.residentBytes, 0);
    const detail: Record<string, number | string> = {
      engine: 'lsm',
      tables: tables.length,
      levels: this.version.levels.map((level) => level.length).join('/'),
      flushes: this.counters.flushes,
      compactions: this.counters.compactions,
      cacheHits: this.cache.hits,
      cacheMisses: this.cache.misses,
    };
    return { files, memoryBytes: this.memtable.bytes + (this.immutable?.bytes ?? 0) + this.cache.bytes + resident, detail };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failure === undefined) await this.flush();
    this.closed = true;
    while (this.compacting !== undefined) await this.compacting.catch(() => undefined);
    for (const table of this.version.tables) await table.retire();
    // A background flush or compaction that failed must not pass for a clean close.
    if (this.failure !== undefined) throw this.failure;
  }

  private async write(key: Uint8Array, cell: Cell): Promise<void> {
    this.checkOpen();
    const memtable = this.memtable;
    memtable.set(key, cell);
    if (memtable.bytes >= this.memtableBytes) await this.rotate();
  }

  /** Makes the memtable immutable and starts its flush; waits first if one is still flushing. */
  private async rotate(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing; // back-pressure: one immutable at a time
    // …and a level 0 that has piled up waits for compaction: reads would slow down otherwise.
    while ((this.version.levels[0]?.length ?? 0) >= L0_STOP) {
      this.scheduleCompaction();
      if (this.compacting === undefined) break;
      await this.compacting;
    }
    this.checkOpen();
    if (this.memtable.list.size === 0) return;
    this.immutable = this.memtable;
    this.memtable = new Memtable();
    this.flushing = this.flushImmutable().finally(() => {
      this.flushing = undefined;
    });
  }

  private async flushImmutable(): Promise<void> {
    const immutable = this.immutable!;
    try {
      await this.beforeDurable?.(); // a write-ahead log first: the table must not get ahead of it
      const builder = new TableBuilder(this.fs, path.join(this.dir, tableName(this.nextFileNumber)), this.nextFileNumber++, 0);
      for (const [key, cell] of immutable.list.entries()) builder.add(key, cell);
      const meta = await builder.finish();
      await this.install([], [meta], 0, () => {
        this.immutable = undefined; // in the same step as the table appears: no read misses it
      });
      this.counters.flushes++;
    } catch (error) {
      this.failure ??= error; // background work reports through the store's next call
      return;
    }
    this.scheduleCompaction();
  }

  private scheduleCompaction(): void {
    if (this.compacting !== undefined || this.closed || this.failure !== undefined) return;
    this.compacting = (async () => {
      for (let plan = this.plan(); plan !== undefined; plan = this.plan()) await this.compact(plan);
    })()
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.compacting = undefined;
      });
  }

  private plan(): Plan | undefined {
    if (this.closed || this.failure !== undefined) return undefined;
    return pickCompaction(this.version, Math.max(256 * 1024, this.memtableBytes * 8), this.compactionPointers);
  }

  private async compact(plan: Plan): Promise<void> {
    for (const table of plan.inputs) table.hold();
    const outputs: TableMeta[] = [];
    try {
      const target = Math.max(64 * 1024, this.memtableBytes * 2);
      let builder: TableBuilder | undefined;
      const merged = new MergingCursor(await Promise.all(plan.inputs.map((t) => t.reader.cursor({}, false))), false);
      while (merged.key !== undefined) {
        if (keepCell(merged.cell, plan.dropTombstones)) {
          builder ??= new TableBuilder(this.fs, path.join(this.dir, tableName(this.nextFileNumber)), this.nextFileNumber++, plan.level + 1);
          builder.add(merged.key, merged.cell);
          if (builder.size >= target) {
            outputs.push(await builder.finish());
            builder = undefined;
          }
        }
        const reading = merged.advance();
        if (reading !== undefined) await reading;
      }
      if (builder !== undefined) outputs.push(await builder.finish());
    } finally {
      await releaseAll(plan.inputs);
    }
    await this.install(plan.inputs, outputs, plan.level + 1);
    this.counters.compactions++;
  }

  /**
   * Writes a manifest without `removed` and with `added` (at `level`), installs the new
   * version, and only then retires and deletes the removed tables' files.
   */
  private install(removed: readonly Table[], added: readonly TableMeta[], level: number, onInstalled?: () => void): Promise<void> {
    const edit = this.manifestEdits.then(async () => {
      const gone = new Set(removed);
      const levels = this.version.levels.map((tables) => tables.filter((t) => !gone.has(t)));
      while (levels.length <= level) levels.push([]);
      const opened = await Promise.all(added.map(async (meta) => new Table(await TableReader.open(this.fs, path.join(this.dir, tableName(meta.number)), meta, this.cache))));
      levels[level] = level === 0 ? [...opened, ...levels[0]!] : [...levels[level]!, ...opened].sort((a, b) => compareBytes(a.meta.smallest, b.meta.smallest));
      const next = new Version(levels);
      if (this.paranoid) next.check();
      await writeManifest(this.fs, this.dir, { nextFileNumber: this.nextFileNumber, levels: levels.map((tables) => tables.map((t) => t.meta)) });
      this.version = next;
      onInstalled?.();
      await this.deleteTables(removed); // only now: a crash before the edit needs them
    });
    this.manifestEdits = edit.catch(() => undefined);
    return edit;
  }

  /** Retires tables that left the tree and removes their files. */
  private async deleteTables(tables: readonly Table[]): Promise<void> {
    for (const table of tables) {
      await table.retire();
      try {
        await this.fs.unlink(path.join(this.dir, tableName(table.meta.number)));
      } catch (error) {
        if ((error as { code?: string }).code !== 'ENOENT') throw error;
      }
    }
    if (tables.length > 0) await this.fs.syncDir(this.dir);
  }

  /** After an I/O error the store stops: what reached the disk is known only after a reopen. */
  private checkOpen(): void {
    if (this.closed) throw new KvError('CLOSED', 'the store is closed');
    if (this.failure !== undefined) {
      const cause = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new KvError('CLOSED', `the store stopped after an error (${cause}); reopen it`);
    }
  }

}

/**
 * The manifest, or a new empty one for a new store. A store never deletes what it cannot
 * prove is garbage, and without a manifest nothing is provably garbage: every table would look
 * like a leftover. So a missing manifest beside tables, or in a directory whose ENGINE file
 * says a tree was made here, is CORRUPT — `npm start -- repair` rebuilds it from the tables.
 */
async function readOrCreateManifest(fs: FileSystem, dir: string, made: boolean): Promise<ManifestState> {
  const manifestPath = path.join(dir, MANIFEST);
  const bytes = await readIfExists(fs, manifestPath);
  if (bytes !== undefined) return decodeManifest(bytes, manifestPath);
  const tables = (await fs.readdir(dir)).filter((name) => name.endsWith('.sst'));
  if (made || tables.length > 0) {
    const evidence = tables.length > 0 ? `${tables.length} table file(s) are here (${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''})` : `${ENGINE_FILE} says an LSM tree was made here`;
    throw new KvError('CORRUPT', `${manifestPath}: missing at offset 0, but ${evidence}; nothing was deleted. ${repairHint(dir)}`);
  }
  // A new store writes its empty manifest at once: from now on, no manifest means damage.
  const state: ManifestState = { nextFileNumber: 1, levels: [] };
  await writeManifest(fs, dir, state);
  return state;
}

/** Removes tables no manifest names (a flush or compaction that never took effect) and temp files. */
async function removeLeftovers(fs: FileSystem, dir: string, live: Set<string>): Promise<void> {
  const names = await fs.readdir(dir);
  const leftovers = names.filter((name) => (name.endsWith('.sst') && !live.has(name)) || name.endsWith('.tmp'));
  for (const name of leftovers) await fs.unlink(path.join(dir, name));
  if (leftovers.length > 0) await fs.syncDir(dir);
}
