// Stage 05 — your on-disk index: an LSM tree or a B+tree (pick a track in the spec,
// stages/05-disk-index/README.md). Run `npm test -- stage 05` to see what passes.

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { DiskStore, DiskStoreOptions, Stage05 } from './contract.ts';

const SPEC = 'stages/05-disk-index/README.md';

/** Opens (or creates) the store in options.dir, within options.memoryBudget bytes of memory. */
export async function openStore(options: DiskStoreOptions): Promise<DiskStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)}, memoryBudget: ${options.memoryBudget ?? 'default'} })`);
}

export const stage: Stage05 = { openStore };
