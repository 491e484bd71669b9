// The reference engine seen through stage 04's contract: the append-only log store.

import type { Stage04 } from '../../stages/04-append-log/contract.ts';
import { LogStore } from '../log/log-store.ts';

export const stage: Stage04 = {
  openStore: (options) => LogStore.open(options),
};
