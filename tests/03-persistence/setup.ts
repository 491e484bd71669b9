// Shared by stage 03's test files: the stage handle, a simulated disk, and content helpers.

import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import type { SnapshotStore, Stage03 } from '../../stages/03-persistence/contract.ts';
import { showBytes } from '../../harness/display.ts';
import { defineStage } from '../../harness/kata.ts';
import { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { b, DIR, simDisk } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage03>('03', ['openStore']);
export { b, DIR, simDisk };

export const SNAPSHOT = '/db/snapshot.db';

/** The whole content as "key=value" lines in the REPL's byte notation, for comparisons. */
export async function contents(store: KvStore): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of store.scan()) out.push(`${showBytes(key)}=${showBytes(value)}`);
  return out;
}

export function describeContents(lines: string[]): string {
  return lines.length === 0 ? '(empty)' : lines.join(' ');
}

/** Opens the store on `fs`, puts the pairs, saves; returns the store. */
export async function storeWith(stage: Stage03, fs: SimFileSystem, pairs: Array<[string, string]>): Promise<SnapshotStore> {
  const store = await stage.openStore({ dir: DIR, fs });
  for (const [k, v] of pairs) await store.put(b(k), b(v));
  await store.save();
  return store;
}
