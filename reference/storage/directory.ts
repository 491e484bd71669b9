// Small file-system helpers every store uses: create its directory durably, read a file that
// may not be there yet, and replace a small file atomically.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';

/**
 * Creates the directory and any missing parents, and makes each new name durable by syncing
 * the directory that holds it, top down.
 */
export async function createDirectory(fs: FileSystem, dir: string): Promise<void> {
  const missing: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const stat = await statIfExists(fs, current);
    if (stat?.isDirectory) break;
    if (stat !== undefined) throw Object.assign(new Error(`cannot open a store at ${dir}: ${current} is a file, not a directory`), { code: 'ENOTDIR' });
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  if (missing.length === 0) return;
  await fs.mkdir(dir);
  for (const created of missing) await fs.syncDir(path.dirname(created));
}

async function statIfExists(fs: FileSystem, target: string): Promise<{ isDirectory: boolean } | undefined> {
  try {
    return await fs.stat(target);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Replaces `dir/name` with `bytes` atomically and durably — stage 03's rename dance: write
 * name.tmp, sync it, rename it over name, sync the directory. A crash leaves the old file or
 * the new one, never a mix; a leftover name.tmp is the caller's to remove at open.
 */
export async function replaceFile(fs: FileSystem, dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const target = path.join(dir, name);
  const temp = `${target}.tmp`;
  const handle = await fs.open(temp, 'create');
  try {
    await handle.truncate(0);
    await handle.write(0, bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
  await fs.syncDir(dir);
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(fs: FileSystem, file: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}
