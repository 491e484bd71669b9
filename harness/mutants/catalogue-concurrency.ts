// The mutants of stage 08 (concurrency): races a store only shows under calls in flight,
// background work and a second owner. Each is a bug a careful person still writes, because
// the code looks right when read one await at a time. (catalogue.ts explains the format.)

import type { Mutant } from './catalogue.ts';

export const CONCURRENCY_MUTANTS: readonly Mutant[] = [
  {
    id: 'flush-drops-immutable-early',
    stage: '08',
    engine: 'lsm',
    bug: 'a flush lets go of the memtable it is writing out once the table is written, before the manifest names the table: a read in between finds the keys in neither',
    file: 'lsm/lsm-store.ts',
    find: '      await this.install([], [meta], 0, () => {\n        this.immutable = undefined; // in the same step as the table appears: no read misses it\n      });\n',
    replace: '      this.immutable = undefined;\n      await this.install([], [meta], 0);\n',
  },
  {
    id: 'table-closed-under-scan',
    stage: '08',
    engine: 'lsm',
    bug: 'a compaction closes its input tables at once, though a scan that started before it still reads them',
    file: 'lsm/version.ts',
    find: '    if (this.holds === 0) await this.reader.close();\n',
    replace: '    await this.reader.close();\n',
  },
  {
    id: 'scan-mixes-snapshots',
    stage: '08',
    bug: "the store's scan reads the live index as it goes: writes made while it runs show up for keys it has not reached yet, and not for those behind it",
    file: 'txn/txn-store.ts',
    find: '      for await (const entry of this.scanAt(bounds, reverse, snapshot)) {\n',
    replace: '      for await (const entry of this.wal.scan(options)) {\n',
  },
  {
    id: 'lock-kept-after-close',
    stage: '08',
    bug: 'close() never deletes the LOCK file: the directory stays "in use" by a process that has closed it',
    file: 'wal/wal-store.ts',
    find: '      await this.lock.release().catch(() => undefined);\n',
    replace: '',
  },
  {
    id: 'group-commit-lost-wakeup',
    stage: '08',
    bug: 'group commit skips the wake-up when a write finishes while a later one is already done ("that one will wake them"): the writers waiting for the prefix are never woken',
    file: 'log/group-commit.ts',
    find: '  written(start: number, end: number): void {\n    this.finished.set(start, end);\n',
    replace: '  written(start: number, end: number): void {\n    const laterDone = this.finished.size > 0;\n    this.finished.set(start, end);\n    if (laterDone) { for (let next = this.finished.get(this.contiguous); next !== undefined; next = this.finished.get(this.contiguous)) { this.finished.delete(this.contiguous); this.contiguous = next; } return; }\n',
  },
  {
    id: 'window-without-back-pressure',
    stage: '08',
    engine: 'btree',
    bug: "in sync 'window' mode the log runs ahead of its fsyncs without limit: a stalled disk lets writers pile up acknowledged, undurable data",
    file: 'wal/wal-store.ts',
    find: '      if (behind > live.sync.syncedLength) await this.guard(live.sync.durableThrough(behind));\n',
    replace: '',
  },
  {
    id: 'lock-takeover-race',
    stage: '08',
    bug: 'a stale lock is taken over by "read LOCK, see a dead pid, delete it, create mine": two newcomers that both saw the dead pid each delete what is there, and both win',
    file: 'storage/dir-lock.ts',
    find: "    const marker = `${file}.takeover-${pid}`;\n    try {\n      await take(fs, marker, dir, giveUpAt);\n    } catch (error) {\n      if (!(error instanceof KvError && error.code === 'LOCKED') || fs.now() > giveUpAt) throw error;\n      await fs.sleep(RETRY_MS); // another process is taking over right now: see who wins\n      continue;\n    }\n    try {\n      // Only the marker's holder may delete LOCK, and only if it still names the dead owner.\n      const still = await readOwner(fs, file);\n      if (still === owner && (owner !== 'empty' || (await staysEmpty(fs, file)))) await fs.unlink(file);\n    } finally {\n      await fs.unlink(marker).catch(() => undefined);\n      remember(fs, marker, false);\n    }\n",
    replace: '    await fs.unlink(file).catch(() => undefined);\n',
  },
  {
    id: 'flush-blocks-readers',
    stage: '08',
    engine: 'btree',
    bug: 'a flush holds the tree exclusively through its fsyncs, though it changes no page a reader can reach: every read waits for the disk',
    file: 'btree/btree-store.ts',
    find: "kind === 'write' ? 'exclusive' : 'frozen'",
    replace: "kind === 'write' ? 'exclusive' : 'exclusive'",
  },
];
