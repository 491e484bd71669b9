// The reference engine seen through stage 05's contract: the LSM tree or the B+tree, chosen
// by KATA_ENGINE (lsm, the default, or btree) — `npm test -- stage 05 --engine btree`. That
// is how the test runner picks the engine; the choice itself is openEngine's (../engine.ts).

import type { DiskStore, Stage05 } from '../../stages/05-disk-index/contract.ts';
import type { EngineOptions } from '../core/engine-options.ts';
import { type IndexKind, openEngine } from '../engine.ts';

/** The engine KATA_ENGINE names. */
export function kataEngine(): IndexKind {
  const engine = process.env.KATA_ENGINE ?? 'lsm';
  if (engine !== 'lsm' && engine !== 'btree') throw new Error(`KATA_ENGINE must be lsm or btree, got "${engine}"`);
  return engine;
}

/** Opens the engine KATA_ENGINE names, read at each open; stages 06–08 put their layers on it. */
export async function openKataEngine(options: EngineOptions): Promise<DiskStore> {
  return openEngine({ ...options, kind: kataEngine() });
}

export const stage: Stage05 = { openStore: openKataEngine };
