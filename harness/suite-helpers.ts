// Small helpers every disk stage's suite uses (stages 03–08): the directory the tests use, a
// fresh simulated disk, text ⇄ bytes, and writing a file's content by hand. Each stage's setup.ts re-exports what it needs, so a
// test file imports from one place.

import path from 'node:path';
import type { FileSystem } from '../stages/file-system.ts';
import { SimFileSystem } from './sim-fs/sim-fs.ts';

export const DIR = '/db';
export const KiB = 1024;

/** A fresh simulated disk; with jitter, file operations finish out of order (seeded). */
export function simDisk(seed = 1, jitter = false): SimFileSystem {
  return new SimFileSystem({ seed, jitter });
}

const encoder = new TextEncoder();
/** UTF-8 bytes of `text`. */
export const b = (text: string) => encoder.encode(text);
/** The UTF-8 text of `bytes`; undefined stays undefined (an absent key). */
export const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

/** Replaces a file's content (creating it if missing), durably: for tests that plant or damage a file. */
export async function overwrite(fs: FileSystem, file: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'create');
  await handle.truncate(0);
  await handle.write(0, bytes);
  await handle.sync();
  await handle.close();
  await fs.syncDir(path.posix.dirname(file));
}
