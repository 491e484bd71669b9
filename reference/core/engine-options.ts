// What the reference's on-disk engines (LSM tree, B+tree) take beyond stage 05's options: the
// hook a write-ahead log in front of them needs (reference/wal/wal-store.ts).

import type { DiskStoreOptions } from '../../stages/05-disk-index/contract.ts';

export interface EngineOptions extends DiskStoreOptions {
  /**
   * Called before the engine makes any state durable (an LSM table and manifest edit, a
   * B+tree commit); the engine waits for it. A write-ahead log syncs itself here, so the
   * engine's files never get ahead of the log ("log before data"). A rejection fails the
   * flush, and the engine stops as after any I/O error.
   */
  beforeDurable?: () => Promise<void>;
}
