// Repair: rebuilds a lost or damaged manifest from the tables' own footers, as LevelDB's
// RepairDB does. Open refuses a directory whose manifest is missing or fails its checksum
// (reading on would mean guessing, and a guess that deletes "leftovers" deletes the store);
// repair is the deliberate step a person takes instead, and it deletes nothing.
//
// Every table file is read through: its footer (which names the table's number and the level
// it was written for), and every data block, checksum by checksum, for its first and last key.
// A table that fails is set aside (renamed *.damaged). The others go back to the levels their
// footers name — level 0 newest first by number, as flushes made them; deeper levels in key
// order. What cannot be decided from the tables alone is reported, never guessed silently:
// two tables of one deeper level whose key ranges overlap cannot both be live (a crash came
// between a compaction and the deletion of its inputs), so the newer is kept and the older set
// aside (*.unused). Keys deleted after such a leftover was written may come back; that is the
// price of a lost manifest, and the report says which tables were involved.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { compareBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { readIfExists } from '../storage/directory.ts';
import { readEngineFile } from '../storage/engine-file.ts';
import { decodeBlock, decodeIndex } from './sstable-format.ts';
import { MANIFEST, type ManifestState, writeManifest } from './manifest.ts';
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

/** Rebuilds `dir`'s manifest from its tables. The caller holds the directory (its LOCK). */
export async function repairLsm(fs: FileSystem, dir: string): Promise<RepairReport> {
  const identity = await readEngineFile(fs, dir);
  if (identity !== undefined && identity.engine !== 'lsm') {
    throw new KvError('INVALID_ARGUMENT', `${dir} holds a ${identity.engine} store (its ENGINE file says so); repair rebuilds an LSM tree's manifest only`);
  }
  const names = await fs.readdir(dir);
  const report: RepairReport = { kept: [], setAside: [], manifest: 'there was none' };
  const found: Found[] = [];
  for (const name of names.filter((n) => TABLE_NAME.test(n))) {
    try {
      found.push(await inspectTable(fs, path.join(dir, name), name));
    } catch (error) {
      await fs.rename(path.join(dir, name), path.join(dir, `${name}.damaged`));
      report.setAside.push(`${name} → ${name}.damaged: ${(error as Error).message}`);
    }
  }
  const levels: TableMeta[][] = [];
  for (const table of found) (levels[table.level] ??= []).push(table.meta);
  for (let level = 0; level < levels.length; level++) {
    const tables = (levels[level] ??= []).sort((a, b) => b.number - a.number); // newest first
    if (level === 0) continue;
    const live: TableMeta[] = [];
    for (const table of tables) {
      const overlapping = live.find((kept) => compareBytes(table.smallest, kept.largest) <= 0 && compareBytes(kept.smallest, table.largest) <= 0);
      if (overlapping === undefined) {
        live.push(table);
        continue;
      }
      const name = tableName(table.number);
      await fs.rename(path.join(dir, name), path.join(dir, `${name}.unused`));
      report.setAside.push(`${name} → ${name}.unused: overlaps the newer ${tableName(overlapping.number)} at level ${level}, so one of them was a compaction's leftover`);
    }
    levels[level] = live.sort((a, b) => compareBytes(a.smallest, b.smallest));
  }
  const manifestPath = path.join(dir, MANIFEST);
  if ((await readIfExists(fs, manifestPath)) !== undefined) {
    await fs.rename(manifestPath, `${manifestPath}.damaged`);
    report.manifest = `kept as ${MANIFEST}.damaged`;
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
