// The reference engine seen through stage 02's contract: the skip-list memory store.

import type { Stage02 } from '../../stages/02-ordered-map/contract.ts';
import { MemoryStore } from '../core/memory-store.ts';

export const stage: Stage02 = {
  createStore: (options) => new MemoryStore(options?.limits),
};
