// Stage 03 — your persistent store. Replace the stub; the spec is
// stages/03-persistence/README.md. Run `npm test -- stage 03` to see what passes.
// Build on your stage 02 store: import { createStore } from '../02-ordered-map/index.ts'.

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { SnapshotStore, SnapshotStoreOptions, Stage03 } from './contract.ts';

const SPEC = 'stages/03-persistence/README.md';

/** Opens (or creates) the store in options.dir, doing all I/O through options.fs. */
export async function openStore(options: SnapshotStoreOptions): Promise<SnapshotStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)} })`);
}

export const stage: Stage03 = { openStore };
