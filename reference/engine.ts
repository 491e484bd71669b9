// The one place the reference picks its on-disk engine: the LSM tree (lsm/) or the B+tree
// (btree/), both behind stage 05's contract. The stage 05–08 adapters, the CLI and the bench
// call openEngine; the write-ahead log (wal/) and the transactions (txn/) take it as a
// function, so neither knows which engine is underneath.

import type { DiskStore } from '../stages/05-disk-index/contract.ts';
import type { EngineOptions } from './core/engine-options.ts';
import type { EngineKind } from './storage/engine-file.ts';

/** The engines of stage 05 (the ENGINE file also knows the stage 04 log, which is no index). */
export type IndexKind = Exclude<EngineKind, 'log'>;

export interface OpenEngineOptions extends EngineOptions {
  kind: IndexKind;
}

/** Opens (or creates) the chosen engine's store in options.dir. */
export async function openEngine({ kind, ...options }: OpenEngineOptions): Promise<DiskStore> {
  if (kind === 'btree') return (await import('./btree/btree-store.ts')).BTreeStore.open(options);
  if (kind !== 'lsm') throw new Error(`the engine must be lsm or btree, got "${String(kind)}"`);
  return (await import('./lsm/lsm-store.ts')).LsmStore.open(options);
}
