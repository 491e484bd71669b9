// Repair: rebuilds a lost or damaged manifest from the tables' own footers, as LevelDB's
// RepairDB does. Open refuses a directory whose manifest is missing or fails its checksum
// (reading on would mean guessing, and a guess that deletes "leftovers" deletes the store);
// repair is the deliberate step a person takes instead, and it deletes nothing.
//
// Every table file is read through: its footer (which names the table's number and the level
// it was written for), and every data block, checksum by checksum, for its first and last key.
// A table that fails is set aside (renamed *.damaged). The others go back to the levels their
// footers name — level 0 newest first by number, as flushes made them; deeper levels in key
// order. What cannot be decided from the tables alone is refused, never guessed: two tables of
// one deeper level whose key ranges overlap cannot both be live (a compaction cut short, or one
// whose inputs were not all deleted), and keeping the wrong set hides acknowledged keys, so
// repair changes nothing and names them. (Recording a compaction's inputs in its outputs'
// footers would let repair decide; LevelDB's sequence numbers play that part.) Level 0 is kept
// whole, newest flush first: a flush left behind by a crash holds writes newer than the lost
// manifest's, never older. (An input of a finished compaction whose deletion a crash undid is
// older, and would shadow newer keys below it; the next open would have deleted it, so it
// survives only a crash followed by the loss of the manifest — two faults repair cannot see.)

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { compareBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { readIfExists } from '../storage/directory.ts';
import { readEngineFile } from '../storage/engine-file.ts';
import { decodeBlock, decodeIndex } from './sstable-format.ts';
import { decodeManifest, MANIFEST, type ManifestState, writeManifest } from './manifest.ts';
import { type TableMeta, tableName } from './table-builder.ts';
import { openTableFile, readFooter } from './table-reader.ts';

const TABLE_NAME = /^table-(\d{6,})\.sst$/;

export interface RepairReport {
  /** The tables the new manifest names, as "table-000007.sst (level 0, 120 entries)". */
  kept: string[];
  /** Tables set aside, each with the reason. */
  setAside: string[];
  /** What happened to the old manifest. */
  manifest: string;
}

interface Found {
  level: number;
  meta: TableMeta;
}

/**
 * Rebuilds `dir`'s manifest from its tables. The caller holds the directory (its LOCK). Checks
 * everything before it changes anything: a manifest that is intact, or tables that cannot be
 * placed without a guess, leave the directory as it was.
 */
export async function repairLsm(fs: FileSystem, dir: string): Promise<RepairReport> {
  const identity = await readEngineFile(fs, dir);
  if (identity !== undefined && identity.engine !== 'lsm') {
    throw new KvError('INVALID_ARGUMENT', `${dir} holds a ${identity.engine} store (its ENGINE file says so); repair rebuilds an LSM tree's manifest only`);
  }
  const manifestPath = path.join(dir, MANIFEST);
  const manifest = await readIfExists(fs, manifestPath);
  if (manifest !== undefined && (await manifestIsSound(fs, dir, manifest))) {
    throw new KvError('INVALID_ARGUMENT', `${manifestPath} is intact and every table it names opens: there is nothing to repair (leftover tables are removed when the store opens)`);
  }
  const names = await fs.readdir(dir);
  const found: Found[] = [];
  const damaged: { name: string; why: string }[] = [];
  for (const name of names.filter((n) => TABLE_NAME.test(n))) {
    try {
      found.push(await inspectTable(fs, path.join(dir, name), name));
    } catch (error) {
      damaged.push({ name, why: (error as Error).message });
    }
  }
  const levels: TableMeta[][] = [];
  for (const table of found) (levels[table.level] ??= []).push(table.meta);
  for (let level = 0; level < levels.length; level++) {
    const tables = (levels[level] ??= []).sort((a, b) => b.number - a.number); // level 0: newest flush first
    if (level === 0) continue;
    refuseOverlaps(tables, level);
    tables.sort((a, b) => compareBytes(a.smallest, b.smallest));
  }
  // Decided: now change the directory, setting aside (never deleting, never overwriting) what goes.
  const report: RepairReport = { kept: [], setAside: [], manifest: 'there was none' };
  for (const { name, why } of damaged) {
    const aside = await freeName(fs, dir, `${name}.damaged`);
    await fs.rename(path.join(dir, name), path.join(dir, aside));
    report.setAside.push(`${name} → ${aside}: ${why}`);
  }
  if (manifest !== undefined) {
    const aside = await freeName(fs, dir, `${MANIFEST}.damaged`);
    await fs.rename(manifestPath, path.join(dir, aside));
    report.manifest = `kept as ${aside}`;
  }
  // Past every number in use, set-aside files included: a new table must never take one's name.
  const nextFileNumber = Math.max(0, ...names.map((n) => Number(/^table-(\d+)\.sst/.exec(n)?.[1] ?? 0))) + 1;
  const state: ManifestState = { nextFileNumber, levels };
  await writeManifest(fs, dir, state);
  levels.forEach((tables, level) => {
    for (const table of tables) report.kept.push(`${tableName(table.number)} (level ${level}, ${table.entries} entries)`);
  });
  return report;
}

/**
 * Tables below level 0 never overlap in a live tree. Two that do mean a compaction the crash
 * cut short (its outputs beside its inputs) or one whose inputs were not all deleted (its
 * inputs beside its outputs) — and the tables alone cannot tell which, so which set is live is
 * not guessed: keeping the wrong one hides acknowledged keys. A person decides.
 */
function refuseOverlaps(tables: readonly TableMeta[], level: number): void {
  const pairs: string[] = [];
  for (const [i, a] of tables.entries()) {
    for (const b of tables.slice(i + 1)) {
      if (compareBytes(a.smallest, b.largest) <= 0 && compareBytes(b.smallest, a.largest) <= 0) pairs.push(`${tableName(b.number)} and ${tableName(a.number)}`);
    }
  }
  if (pairs.length === 0) return;
  throw new KvError(
    'CORRUPT',
    `cannot repair without a guess: at level ${level}, ${pairs.join('; ')} overlap, so a compaction was cut short or its inputs were not all deleted, and the tables do not say which. Nothing was changed. Move the set you judge stale out of the directory (newer numbers are a compaction's outputs) and run repair again`,
  );
}

/** Whether a manifest decodes and every table it names is there with the right identity. */
async function manifestIsSound(fs: FileSystem, dir: string, bytes: Uint8Array): Promise<boolean> {
  try {
    const state = decodeManifest(bytes, path.join(dir, MANIFEST));
    for (const table of state.levels.flat()) {
      const { meta } = await inspectTable(fs, path.join(dir, tableName(table.number)), tableName(table.number));
      if (meta.bytes !== table.bytes || meta.entries !== table.entries) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** `name`, or name-2, name-3 …: the first not taken in `dir`. */
async function freeName(fs: FileSystem, dir: string, name: string): Promise<string> {
  const taken = new Set(await fs.readdir(dir));
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}-${n}`;
  return candidate;
}

/** Reads a table through, checking every part; its description for the manifest and its level. */
async function inspectTable(fs: FileSystem, file: string, name: string): Promise<Found> {
  const handle = await openTableFile(fs, file);
  try {
    const size = await handle.size();
    const footer = await readFooter(handle, file, size);
    const number = Number(TABLE_NAME.exec(name)![1]);
    if (footer.number !== number) throw new KvError('CORRUPT', `${file}: holds table ${footer.number}, not table ${number} (a file renamed or swapped?)`);
    const index = decodeIndex(await handle.read(footer.indexOffset, footer.indexLength), file, footer.indexOffset);
    let smallest: Uint8Array | undefined;
    let largest: Uint8Array | undefined;
    let entries = 0;
    for (const { offset, length } of index) {
      const block = decodeBlock(await handle.read(offset, length), file, offset);
      if (block.count === 0) continue;
      smallest ??= block.keyAt(0).slice();
      largest = block.keyAt(block.count - 1).slice();
      entries += block.count;
    }
    if (smallest === undefined || largest === undefined || entries !== footer.entries) {
      throw new KvError('CORRUPT', `${file}: its blocks hold ${entries} entries; its footer says ${footer.entries} (at offset ${size})`);
    }
    return { level: footer.level, meta: { number, smallest, largest, bytes: size, entries } };
  } finally {
    await handle.close();
  }
}
