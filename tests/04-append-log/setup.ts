// Shared by stage 04's test files: the stage handle, a simulated disk, and content helpers.

import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import type { LogStore, LogStoreOptions, Stage04 } from '../../stages/04-append-log/contract.ts';
import { showBytes } from '../../harness/display.ts';
import { defineStage } from '../../harness/kata.ts';
import { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { b, DIR, overwrite, simDisk } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage04>('04', ['openStore']);
export { b, DIR, overwrite, simDisk };

export function open(stage: Stage04, fs: SimFileSystem, options: Partial<LogStoreOptions> = {}): Promise<LogStore> {
  return stage.openStore({ dir: DIR, fs, ...options });
}

/** The whole content as "key"="value" strings in the REPL's byte notation. */
export async function contents(store: KvStore): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of store.scan()) out.push(`${showBytes(key)}=${showBytes(value)}`);
  return out;
}

export const describeContents = (lines: string[]) => (lines.length === 0 ? '(empty)' : lines.join(' '));

/** The one log file in the store's directory (the spec: exactly one *.log once open returns). */
export async function logFile(fs: SimFileSystem): Promise<string> {
  const logs = (await fs.readdir(DIR)).filter((name) => name.endsWith('.log'));
  if (logs.length !== 1) throw new Error(`expected exactly one .log file in ${DIR}, found: ${logs.join(', ') || 'none'}`);
  return `${DIR}/${logs[0]}`;
}

