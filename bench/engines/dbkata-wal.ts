// dbkata-wal-lsm and dbkata-wal-btree: the reference's stage 06 store, the write-ahead log in
// front of each index, with sync 'commit': every put resolves once its record is fsynced, and
// the puts in flight together share one fsync (group commit). `--group 1` makes that one
// fsync per put. Opened as the stage 06 adapter opens it: the log, then openEngine's index.

import type { IndexKind } from '../../reference/engine.ts';
import { DbkataBenchStore } from './dbkata-store.ts';
import type { BenchEngine, EngineName } from './engine.ts';

function walEngine(name: EngineName, kind: IndexKind): BenchEngine {
  return {
    name,
    peer: false,
    missing: () => undefined,
    version: () => `reference, stage 06 (${kind})`,
    mode: () => ({
      mode: 'WAL, fsync per put (group commit)',
      detail: "stage 06 openStore, sync 'commit': every put resolves after its log record is fsynced; the puts in flight together share one fsync",
    }),
    async open({ dir, memoryBudget }) {
      const { openEngine } = await import('../../reference/engine.ts');
      const { WalStore } = await import('../../reference/wal/wal-store.ts');
      return new DbkataBenchStore(await WalStore.open({ dir, memoryBudget, sync: 'commit' }, (options) => openEngine({ ...options, kind })));
    },
  };
}

export const dbkataWalLsm = walEngine('dbkata-wal-lsm', 'lsm');
export const dbkataWalBtree = walEngine('dbkata-wal-btree', 'btree');
