// The ENGINE file: which engine made a directory, and whether a write-ahead log sits in front
// of it. Every engine's files look like nothing to another engine: the B+tree sees no
// btree.db in an LSM directory and would start an empty tree beside the tables, and an index
// opened without its log skips every write the log holds. So a directory says what it is, and
// a store refuses a directory that is something else — before it reads or writes anything.
//
//   dbkata directory
//   engine: lsm                     (lsm, btree or log)
//   write-ahead log: yes            (yes or no)
//   format: 1
//
// Text, so that `cat data/ENGINE` answers a person as well as a program. It is written once the
// engine's first files are durable (the LSM's empty manifest, the B+tree's first page file), by
// the same rename dance as a snapshot, so a directory that has an ENGINE file has all of them:
// from then on a missing data file is damage, never a new store. A directory without one is
// new — or was made before ENGINE files existed, and is adopted when its files are this
// engine's.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { utf8 } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { readIfExists, replaceFile } from './directory.ts';

export const ENGINE_FILE = 'ENGINE';
const FORMAT = 1;

export type EngineKind = 'lsm' | 'btree' | 'log';

export interface DirectoryIdentity {
  engine: EngineKind;
  /** A write-ahead log (stage 06) sits in front of the engine. */
  logged: boolean;
}

/** What a directory's ENGINE file says, or undefined when it has none. CORRUPT when it says nothing this engine reads. */
export async function readEngineFile(fs: FileSystem, dir: string): Promise<DirectoryIdentity | undefined> {
  const file = path.join(dir, ENGINE_FILE);
  const bytes = await readIfExists(fs, file);
  if (bytes === undefined) return undefined;
  const text = new TextDecoder().decode(bytes);
  const lines = text.split('\n');
  /** A line's value, and the offset where the line starts (what a refusal names). */
  const field = (name: string): { value: string | undefined; at: number } => {
    const line = lines.findIndex((l) => l.startsWith(`${name}: `));
    const at = lines.slice(0, Math.max(0, line)).reduce((sum, l) => sum + l.length + 1, 0);
    return { value: line < 0 ? undefined : lines[line]!.slice(name.length + 2), at };
  };
  const [engine, logged, format] = [field('engine'), field('write-ahead log'), field('format')];
  const missing = [engine, logged, format].find((f) => f.value === undefined);
  if (lines[0] !== 'dbkata directory' || missing !== undefined) {
    const at = lines[0] !== 'dbkata directory' ? 0 : text.length;
    throw new KvError('CORRUPT', `${file}: not a dbkata ENGINE file (expected the lines "dbkata directory", "engine: …", "write-ahead log: …", "format: …") at offset ${at}`);
  }
  if (format.value !== String(FORMAT)) {
    throw new KvError('CORRUPT', `${file}: format ${format.value}, made by another version of dbkata; this one reads format ${FORMAT} (at offset ${format.at})`);
  }
  if (engine.value !== 'lsm' && engine.value !== 'btree' && engine.value !== 'log') {
    throw new KvError('CORRUPT', `${file}: says engine "${engine.value}"; this version knows lsm, btree and log (at offset ${engine.at})`);
  }
  if (logged.value !== 'yes' && logged.value !== 'no') {
    throw new KvError('CORRUPT', `${file}: says write-ahead log "${logged.value}", not yes or no (at offset ${logged.at})`);
  }
  return { engine: engine.value, logged: logged.value === 'yes' };
}

/** Writes the ENGINE file atomically and durably (temp file, sync, rename, sync the directory). */
export async function writeEngineFile(fs: FileSystem, dir: string, identity: DirectoryIdentity): Promise<void> {
  const text = `dbkata directory\nengine: ${identity.engine}\nwrite-ahead log: ${identity.logged ? 'yes' : 'no'}\nformat: ${FORMAT}\n`;
  await replaceFile(fs, dir, ENGINE_FILE, utf8(text));
}

const describe = ({ engine, logged }: DirectoryIdentity) =>
  engine === 'log' ? 'the stage 04 log store' : `the ${engine === 'lsm' ? 'LSM tree' : 'B+tree'}${logged ? ' behind a write-ahead log' : ' without a write-ahead log'}`;

const option = ({ engine, logged }: DirectoryIdentity) => `--engine ${engine}${engine !== 'log' && !logged ? ' --no-wal' : ''}`;

export interface Claim {
  /** An ENGINE file says this engine made the directory: its data files must be there. */
  made: boolean;
  /** Records the directory as this engine's, if it is not yet; call once the engine's own files are durable. */
  confirm(): Promise<void>;
}

/** The files that give each engine, and a write-ahead log, away: how a directory made before ENGINE files existed is recognised. */
const SIGNATURES: Record<EngineKind | 'wal', RegExp> = {
  lsm: /^(MANIFEST|table-\d{6,}\.sst)$/,
  btree: /^btree\.db$/,
  log: /^\d{6}\.log$/,
  wal: /^\d{6}\.wal$/,
};

/**
 * What a directory without an ENGINE file is, judged by its files: undefined when it holds
 * none of any engine's (a new store). Only directories made before ENGINE files existed, or
 * whose ENGINE file was deleted, get here.
 */
export async function inferIdentity(fs: FileSystem, dir: string): Promise<DirectoryIdentity | undefined> {
  const names = await fs.readdir(dir);
  const has = (kind: EngineKind | 'wal') => names.some((name) => SIGNATURES[kind].test(name));
  const engine = (['lsm', 'btree', 'log'] as const).find(has);
  return engine === undefined ? undefined : { engine, logged: has('wal') };
}

/** Reads the directory's ENGINE file and refuses a directory another engine made (see checkIdentity). */
export async function claimDirectory(fs: FileSystem, dir: string, wanted: DirectoryIdentity): Promise<Claim> {
  // Without an ENGINE file, the files say what the directory is: never start an empty store
  // beside another engine's data, nor open an index without the log whose records it lacks.
  const found = (await readEngineFile(fs, dir)) ?? (await inferIdentity(fs, dir));
  const rewrite = checkIdentity(dir, found, wanted);
  return { made: found !== undefined, confirm: async () => (rewrite ? writeEngineFile(fs, dir, wanted) : undefined) };
}

/**
 * Refuses a directory another engine made (INVALID_ARGUMENT: opening it would hide or lose
 * that engine's data). An index that a log now stands in front of is fine — the log only adds — and
 * the caller records it; the reverse is not: the index alone would skip the log's writes.
 * Returns whether the ENGINE file must be (re)written.
 */
export function checkIdentity(dir: string, found: DirectoryIdentity | undefined, wanted: DirectoryIdentity): boolean {
  if (found === undefined) return true;
  const file = path.join(dir, ENGINE_FILE);
  if (found.engine !== wanted.engine || (found.logged && !wanted.logged)) {
    throw new KvError(
      'INVALID_ARGUMENT',
      `${dir} was made by ${describe(found)} (${file} says so); this is ${describe(wanted)}. Open it as it was made (npm start: ${option(found)})`,
    );
  }
  return found.logged !== wanted.logged;
}
