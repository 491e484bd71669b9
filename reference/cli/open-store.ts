// The store behind `npm start`, as the options choose it: the stage 04 log, a stage 05 index
// alone, or an index behind the stage 06 write-ahead log with stage 07's transactions — and
// what each mode risks when the process ends without a clean close.

import type { SyncPolicy } from '../../stages/04-append-log/contract.ts';
import type { FileSystem } from '../../stages/file-system.ts';
import { openEngine } from '../engine.ts';
import { LogStore } from '../log/log-store.ts';
import type { KeyValueStore } from '../repl/session.ts';
import { DirectoryLock } from '../storage/dir-lock.ts';
import { createDirectory } from '../storage/directory.ts';
import { claimDirectory } from '../storage/engine-file.ts';
import { TxStore } from '../txn/txn-store.ts';
import type { Options } from './options.ts';

export interface OpenStore {
  store: KeyValueStore;
  /** Closes the store, then frees the directory — also when closing failed (the error is rethrown). */
  close(): Promise<void>;
}

export async function openStore(options: Options, fs: FileSystem): Promise<OpenStore> {
  const { dir, engine, sync, windowMs, wal, memoryBudget } = options;
  if (engine !== 'log' && wal) {
    // The write-ahead-logged store takes the directory's lock itself, and frees it at close (stage 08).
    const store = await TxStore.open({ dir, fs, memoryBudget, sync: sync === 'window' ? 'window' : 'commit', syncWindowMs: windowMs }, (o) => openEngine({ ...o, kind: engine }));
    return { store, close: () => store.close() };
  }
  // The stage 04 log and a bare index do not lock; the REPL does it for them: two REPLs never share a directory.
  await createDirectory(fs, dir);
  const lock = await DirectoryLock.acquire(fs, dir);
  try {
    const store = engine === 'log' ? await openLog(dir, fs, sync) : await openEngine({ kind: engine, dir, fs, memoryBudget });
    return {
      store,
      close: async () => {
        try {
          await store.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }
}

/** The stage 04 log, whose spec keeps its directory to its log files: the REPL records the engine for it. */
async function openLog(dir: string, fs: FileSystem, sync: string | undefined): Promise<LogStore> {
  const claim = await claimDirectory(fs, dir, { engine: 'log', logged: false });
  const store = await LogStore.open({ dir, fs, sync: (sync ?? 'batch') as SyncPolicy });
  await claim.confirm();
  return store;
}

/** The banner's summary of the mode, e.g. "lsm + write-ahead log, sync commit". */
export function describe({ engine, wal, sync, windowMs }: Options): string {
  if (engine === 'log') return `stage 04 log, sync ${sync ?? 'batch'}`;
  if (!wal) return `${engine}, no write-ahead log`;
  return `${engine} + write-ahead log, sync ${sync === 'window' ? `window ${windowMs} ms` : 'commit'}`;
}

/** What may not be durable when the store was not closed cleanly, in this mode (see "What an OK promises" in --help). */
export function atRisk({ engine, wal, sync, windowMs }: Options): string {
  if (engine === 'log') return 'every OK was on disk before it was answered';
  if (!wal) return 'the writes since the last flush may be lost';
  if (sync === 'window') return `every OK is in the write-ahead log, and the next open replays it; a power cut may lose those of the last ${windowMs} ms`;
  return 'every OK is on disk in the write-ahead log, and the next open replays it';
}
