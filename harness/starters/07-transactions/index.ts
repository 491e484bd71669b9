// Stage 07 — your transactions (MVCC snapshots, snapshot and serializable isolation) on top of
// your stage 06 store (the spec: stages/07-transactions/README.md). Run `npm test -- stage 07`
// to see what passes. The tests hand openStore stage 06 as `base` (yours, or the reference's
// with --base reference).

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { Stage06, Stage07, TxStore, WalStoreOptions } from './contract.ts';

const SPEC = 'stages/07-transactions/README.md';

/** Opens (or creates) the store in options.dir: stage 06's store, plus begin() for transactions. */
export async function openStore(options: WalStoreOptions, base: Stage06): Promise<TxStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  void base; // base.openStore(options) opens your stage 06 store
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)}, sync: ${JSON.stringify(options.sync ?? 'commit')} })`);
}

export const stage: Stage07 = { openStore };
