// Stage 08 — your store made safe under many calls in flight, background work beside them, and
// a second process reaching for the same directory (the spec: stages/08-concurrency/README.md).
// It is your stage 07 store, with a directory lock and a close() that waits. Run
// `npm test -- stage 08` to see what passes. The tests hand openStore stage 07 as `base` (yours,
// or the reference's with --base reference).

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { ConcurrentStore, Stage07, Stage08, WalStoreOptions } from './contract.ts';

const SPEC = 'stages/08-concurrency/README.md';

/** Opens (or creates) the store in options.dir, taking the directory's lock first. */
export async function openStore(options: WalStoreOptions, base: Stage07): Promise<ConcurrentStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  void base; // base.openStore(options) opens your stage 07 store
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)} })`);
}

export const stage: Stage08 = { openStore };
