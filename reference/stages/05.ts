// The reference engine seen through stage 05's contract: the LSM tree or the B+tree, chosen
// by KATA_ENGINE (lsm, the default, or btree) — `npm test -- stage 05 --engine btree`.

import type { DiskStore, Stage05 } from '../../stages/05-disk-index/contract.ts';
import type { EngineOptions } from '../core/engine-options.ts';

/** The engine KATA_ENGINE names; stage 06 puts its write-ahead log in front of the same one. */
export async function openEngine(options: EngineOptions): Promise<DiskStore> {
  const engine = process.env.KATA_ENGINE ?? 'lsm';
  if (engine === 'btree') {
    const { BTreeStore } = await import('../btree/btree-store.ts');
    return BTreeStore.open(options);
  }
  if (engine !== 'lsm') throw new Error(`KATA_ENGINE must be lsm or btree, got "${engine}"`);
  const { LsmStore } = await import('../lsm/lsm-store.ts');
  return LsmStore.open(options);
}

export const stage: Stage05 = { openStore: openEngine };
