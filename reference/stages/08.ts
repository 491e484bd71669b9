// The reference engine seen through stage 08's contract: the stage 07 store (transactions over
// the write-ahead log over the LSM tree or the B+tree, KATA_ENGINE), whose directory lock,
// snapshot scans and waiting close() are what this stage asks for.

import type { Stage08 } from '../../stages/08-concurrency/contract.ts';
import { TxStore } from '../txn/txn-store.ts';
import { openKataEngine } from './05.ts';

export const stage: Stage08 = {
  openStore: (options) => TxStore.open(options, openKataEngine),
};
