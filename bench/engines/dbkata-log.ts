// dbkata-log: the reference's stage 04 store (an append-only log with an in-memory index),
// in its group-commit mode: a put resolves once its record is fsynced, and the puts in
// flight together share one fsync. It has no weaker mode, so --durable changes nothing.

import { LogStore } from '../../reference/log/log-store.ts';
import { DbkataBenchStore } from './dbkata-store.ts';
import type { BenchEngine } from './engine.ts';

export const dbkataLog: BenchEngine = {
  name: 'dbkata-log',
  peer: false,
  missing: () => undefined,
  version: () => 'reference, stage 04',
  mode: () => ({
    mode: 'fsync per put (group commit)',
    detail: "LogStore sync 'batch': every put resolves after its record is fsynced; the puts in flight together share one fsync",
  }),
  open: async ({ dir }) => new DbkataBenchStore(await LogStore.open({ dir, sync: 'batch' })),
};
