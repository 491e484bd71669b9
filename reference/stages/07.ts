// The reference engine seen through stage 07's contract: transactions (MVCC, snapshot and
// serializable) over the write-ahead log in front of the LSM tree or the B+tree (KATA_ENGINE).

import type { Stage07 } from '../../stages/07-transactions/contract.ts';
import { TxStore } from '../txn/txn-store.ts';
import { openKataEngine } from './05.ts';

export const stage: Stage07 = {
  openStore: (options) => TxStore.open(options, openKataEngine),
};
