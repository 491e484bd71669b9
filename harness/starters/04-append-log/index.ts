// Stage 04 — your append-only log store. Replace the stub; the spec is
// stages/04-append-log/README.md. Run `npm test -- stage 04` to see what passes.
// Your stage 02 map makes a good in-memory index (key -> where the value is in the log): the
// tests hand it to openStore as `base` (yours, or the reference's with --base reference).

import { nodeFileSystem } from '../file-system.ts';
import { notImplemented } from '../not-implemented.ts';
import type { LogStore, LogStoreOptions, Stage02, Stage04 } from './contract.ts';

const SPEC = 'stages/04-append-log/README.md';

/** Opens (or creates) the store in options.dir, doing all I/O through options.fs. */
export async function openStore(options: LogStoreOptions, base: Stage02): Promise<LogStore> {
  const fs = options.fs ?? nodeFileSystem;
  void fs;
  void base;
  return notImplemented(SPEC, `openStore({ dir: ${JSON.stringify(options.dir)}, sync: ${JSON.stringify(options.sync ?? 'batch')} })`);
}

export const stage: Stage04 = { openStore };
