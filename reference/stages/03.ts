// The reference engine seen through stage 03's contract: the snapshot store.

import type { Stage03 } from '../../stages/03-persistence/contract.ts';
import { SnapshotStore } from '../storage/snapshot-store.ts';

export const stage: Stage03 = {
  openStore: (options) => SnapshotStore.open(options),
};
