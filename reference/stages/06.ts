// The reference engine seen through stage 06's contract: the write-ahead log in front of the
// LSM tree or the B+tree, chosen by KATA_ENGINE (lsm, the default, or btree).

import type { Stage06 } from '../../stages/06-wal/contract.ts';
import { WalStore } from '../wal/wal-store.ts';
import { openKataEngine } from './05.ts';

export const stage: Stage06 = {
  openStore: (options) => WalStore.open(options, openKataEngine),
};
