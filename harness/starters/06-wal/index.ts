// Stage 06 — your write-ahead log in front of your stage 05 store (the spec:
// stages/06-wal/README.md). Run `npm test -- stage 06` to see what passes. The tests hand
// openStore stage 05 as `base` (yours, or the reference's with --base reference).

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { Stage05, Stage06, WalStore, WalStoreOptions } from './contract.ts';

const SPEC = 'stages/06-wal/README.md';

/** Opens (or creates) the store in options.dir: the index, then a replay of the log. */
export async function openStore(options: WalStoreOptions, base: Stage05): Promise<WalStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  void base; // base.openStore(options) opens your stage 05 index
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)}, sync: ${JSON.stringify(options.sync ?? 'commit')} })`);
}

export const stage: Stage06 = { openStore };
