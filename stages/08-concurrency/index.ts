// Stage 08 — your store made safe under many calls in flight, background work beside them, and
// a second process reaching for the same directory (the spec: stages/08-concurrency/README.md).
// It is your stage 07 store, with a directory lock and a close() that waits. Run
// `npm test -- stage 08` to see what passes.

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { ConcurrentStore, Stage08, WalStoreOptions } from './contract.ts';

const SPEC = 'stages/08-concurrency/README.md';

/** Opens (or creates) the store in options.dir, taking the directory's lock first. */
export async function openStore(options: WalStoreOptions): Promise<ConcurrentStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)} })`);
}

export const stage: Stage08 = { openStore };
