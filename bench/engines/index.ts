// Every engine the bench knows, in report order. Adding one is one line here (and its adapter
// file beside this one); `--engines` picks among them by name.

import { dbkataBtree } from './dbkata-btree.ts';
import { dbkataLog } from './dbkata-log.ts';
import { dbkataLsm } from './dbkata-lsm.ts';
import { dbkataWalBtree, dbkataWalLsm } from './dbkata-wal.ts';
import type { BenchEngine, EngineName } from './engine.ts';
import { leveldb } from './leveldb.ts';
import { lmdb } from './lmdb.ts';
import { sqlite } from './sqlite.ts';

export const ENGINES: readonly BenchEngine[] = [dbkataLsm, dbkataBtree, dbkataWalLsm, dbkataWalBtree, dbkataLog, leveldb, lmdb, sqlite];

/** The engine the ratios are taken against, when it ran. */
export const BASELINE: EngineName = 'leveldb';

export function engineNamed(name: string): BenchEngine | undefined {
  return ENGINES.find((engine) => engine.name === name);
}
