// The catalogue of mutants: classic bugs of each stage, kept as patches to a copy of the
// reference, never as flags inside it. Each must be caught (killed) by its stage's suite;
// `npm run mutants` proves it. A patch names the exact text it replaces, and the runner
// refuses a patch whose text no longer occurs exactly once, so mutants cannot rot silently.

import { CONCURRENCY_MUTANTS } from './catalogue-concurrency.ts';
import { STORAGE_MUTANTS } from './catalogue-storage.ts';

export interface Mutant {
  id: string;
  /** The stage whose suite must kill it. */
  stage: string;
  /** For stages with two reference engines: the engine the patched file belongs to. */
  engine?: 'lsm' | 'btree';
  /** The bug, as a learner might write it. */
  bug: string;
  /** Path inside reference/. */
  file: string;
  find: string;
  replace: string;
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'string-order',
    stage: '02',
    bug: 'orders keys as JavaScript strings (UTF-16), not as bytes',
    file: 'core/bytes.ts',
    find: 'export function compareBytes(a: Uint8Array, b: Uint8Array): number {\n',
    replace:
      'export function compareBytes(a: Uint8Array, b: Uint8Array): number {\n' +
      '  const x = new TextDecoder().decode(a);\n' +
      '  const y = new TextDecoder().decode(b);\n' +
      '  if (x !== y) return x < y ? -1 : 1;\n',
  },
  {
    id: 'signed-bytes',
    stage: '02',
    bug: 'compares bytes as signed (Int8): 0x80..0xff sort before 0x00',
    file: 'core/bytes.ts',
    find: '    const x = a[i];\n    const y = b[i];\n',
    replace: '    const x = (a[i] << 24) >> 24;\n    const y = (b[i] << 24) >> 24;\n',
  },
  {
    id: 'gt-inclusive',
    stage: '02',
    bug: 'treats the exclusive bounds gt/lt as inclusive',
    file: 'core/scan-options.ts',
    find: 'if (strict !== undefined) return { key: keepBytes(checkBytes(strict, exclusive)), inclusive: false };',
    replace: 'if (strict !== undefined) return { key: keepBytes(checkBytes(strict, exclusive)), inclusive: true };',
  },
  {
    id: 'delete-keeps-prev-link',
    stage: '02',
    bug: 'delete unlinks the forward pointers only: a reverse scan still sees the key',
    file: 'core/skiplist.ts',
    find: '    if (node.next[0] !== null) node.next[0].prev = node.prev;\n',
    replace: '',
  },
  {
    id: 'put-aliases-buffers',
    stage: '02',
    bug: "put keeps the caller's arrays instead of copies",
    file: 'core/memory-store.ts',
    find: 'this.list.set(keepBytes(key), keepBytes(value));',
    replace: 'this.list.set(key, value);',
  },
  {
    id: 'copy-with-slice',
    stage: '02',
    bug: "copies with bytes.slice(), which for a Node Buffer is a view, not a copy",
    file: 'core/bytes.ts',
    find: '    if (length > SLAB_COPY_MAX) return new Uint8Array(source);\n',
    replace: '    return source.slice();\n',
  },
  {
    id: 'limit-off-by-one',
    stage: '02',
    bug: 'a scan with limit N returns N + 1 entries',
    file: 'core/memory-store.ts',
    find: 'if (--left <= 0) return;',
    replace: 'if (--left < 0) return;',
  },
  {
    id: 'value-first-word',
    stage: '01',
    bug: 'put keeps only the first word of an unquoted value',
    file: 'repl/parse.ts',
    find: 'const value = reader.rest();',
    replace: 'const value = reader.token();',
  },
  {
    id: 'prefix-end-overflow',
    stage: '01',
    bug: 'the end of a prefix range adds 1 to the last byte without carrying past 0xff',
    file: 'core/bytes.ts',
    find: 'export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {\n',
    replace:
      'export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {\n' +
      '  if (prefix.length > 0) {\n' +
      '    const next = prefix.slice();\n' +
      '    next[next.length - 1]++;\n' +
      '    return next;\n' +
      '  }\n',
  },
  {
    id: 'column-zero-based',
    stage: '01',
    bug: 'error columns count from 0',
    file: 'repl/session.ts',
    find: '`ERR column ${error.column}: ${error.message}`',
    replace: '`ERR column ${error.column - 1}: ${error.message}`',
  },
  {
    id: 'backslash-unescaped',
    stage: '01',
    bug: 'the formatter does not escape backslashes inside quotes',
    file: 'repl/format.ts',
    find: "0x5c: '\\\\\\\\', ",
    replace: '',
  },
  {
    id: 'lenient-utf8-input',
    stage: '01',
    bug: 'decodes input lines leniently (as readline does): invalid bytes become U+FFFD and distinct keys merge',
    file: 'repl/line-text.ts',
    find: "new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })",
    replace: "new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })",
  },
  {
    id: 'snapshot-in-place',
    stage: '03',
    bug: 'save overwrites snapshot.db in place instead of writing a temporary file and renaming it',
    file: 'storage/snapshot-store.ts',
    find: 'const temp = target + TEMP_SUFFIX;',
    replace: 'const temp = target;',
  },
  {
    id: 'no-sync-before-rename',
    stage: '03',
    bug: 'renames the temporary file before syncing it: the name can point at data that never reached the disk',
    file: 'storage/snapshot-store.ts',
    find: '      await handle.sync(); // the data must be durable before the name points at it\n',
    replace: '',
  },
  {
    id: 'no-dir-sync-after-rename',
    stage: '03',
    bug: 'acknowledges the save without syncing the directory: a power cut undoes the rename',
    file: 'storage/snapshot-store.ts',
    find: '    await this.fs.syncDir(this.dir); // the rename itself must be durable before save resolves\n',
    replace: '',
  },
  {
    id: 'snapshot-checksum-ignored',
    stage: '03',
    bug: 'loads a snapshot without comparing its checksum',
    file: 'storage/snapshot-format.ts',
    find: 'if (stored !== computed) {',
    replace: 'if (stored !== computed && false) {',
  },
  {
    id: 'save-swallows-eio',
    stage: '03',
    bug: 'save catches a failed write or sync and resolves anyway',
    file: 'storage/snapshot-store.ts',
    find: 'const run = this.saving.then(() => this.write(bytes));',
    replace: 'const run = this.saving.then(() => this.write(bytes)).catch(() => undefined);',
  },
  {
    id: 'failed-save-keeps-temp',
    stage: '03',
    bug: 'a failed save leaves its temporary file behind (on a full disk, holding the space it needs)',
    file: 'storage/snapshot-store.ts',
    find: '      await this.fs.unlink(temp).catch(() => undefined);\n',
    replace: '',
  },
  {
    id: 'close-rethrows-save-error',
    stage: '03',
    bug: 'close() rejects with the error of a save that already reported it',
    file: 'storage/snapshot-store.ts',
    find: '    this.saving = run.catch(() => undefined);\n',
    replace: '    this.saving = run.catch(() => undefined);\n    this.close = async () => {\n      await run;\n    };\n',
  },
  {
    id: 'close-error-hides-cause',
    stage: '03',
    bug: 'an error closing the temporary file replaces the error that failed the save',
    file: 'storage/snapshot-store.ts',
    find: '        if (!failed) throw error;',
    replace: '        throw error;',
  },
  {
    id: 'only-parent-dir-synced',
    stage: '03',
    bug: 'openStore syncs only the parent of its directory, not the parents of the other directories it created',
    file: 'storage/directory.ts',
    find: '  for (const created of missing) await fs.syncDir(path.dirname(created));',
    replace: '  await fs.syncDir(path.dirname(path.resolve(dir)));',
  },
  {
    id: 'snapshot-drops-oversized',
    stage: '03',
    bug: 'opening skips the entries of a snapshot that are over the limits: saved data silently lost',
    file: 'storage/snapshot-store.ts',
    find: '        checkLoaded(entry, memory.limits, file);\n',
    replace: '        if (entry.key.length > memory.limits.maxKeySize || entry.value.length > memory.limits.maxValueSize) continue;\n',
  },
  {
    id: 'ack-before-sync',
    stage: '04',
    bug: 'a put resolves as soon as its record is written, before it is synced',
    file: 'log/log-store.ts',
    find: '      await live.sync.durableThrough(offset + record.length);\n',
    replace: '      void live.sync.durableThrough(offset + record.length).catch(() => undefined);\n',
  },
  {
    id: 'replay-skips-checksum',
    stage: '04',
    bug: 'replay trusts records without checking their checksum',
    file: 'log/record.ts',
    find: "  if (stored !== computed) return 'checksum mismatch';\n",
    replace: '',
  },
  {
    id: 'skip-bad-record-mid-log',
    stage: '04',
    bug: 'replay skips a damaged record in the middle of the log and replays on',
    file: 'log/recover.ts',
    find: '      if (proof !== undefined) {\n',
    replace: '      if (proof !== undefined) {\n        offset = proof.offset;\n        continue;\n',
  },
  {
    id: 'torn-tail-fatal',
    stage: '04',
    bug: 'recovery refuses a torn tail instead of cutting it off',
    file: 'log/recover.ts',
    find: '      return { records, validLength: offset, tornTail: record };\n',
    replace: "      throw new KvError('CORRUPT', `${file}: ${record} at offset ${offset}`);\n",
  },
  {
    id: 'compaction-unsynced-new-log',
    stage: '04',
    bug: 'compaction removes the old log before the new one is durable',
    file: 'log/log-store.ts',
    find: '    await handle.sync(); // the new log\'s content must be durable before its name is\n',
    replace: '',
  },
  {
    id: 'swallowed-write-error',
    stage: '04',
    bug: 'a failed write is ignored (caught and forgotten), and the put is acknowledged after the next sync',
    file: 'log/log-store.ts',
    find: '      await live.handle.write(offset, record);\n',
    replace: '      await live.handle.write(offset, record).catch(() => undefined); // "probably fine"\n',
  },
  {
    id: 'retry-failed-fsync',
    stage: '04',
    bug: 'a failed fsync is retried, and the write acknowledged when the retry succeeds',
    file: 'log/group-commit.ts',
    find: '      (error: unknown) => {\n        this.fail(error);\n        throw error;\n      },\n',
    replace: '      () => this.fsync().then(() => {\n        if (target > this.syncedLength) this.syncedLength = target;\n      }),\n',
  },
  {
    id: 'replay-ignores-delete',
    stage: '04',
    bug: 'replay ignores delete records: deleted keys come back after a restart',
    file: 'log/log-store.ts',
    find: '      if (record.type === DELETE) index.delete(record.key);\n',
    replace: '      if (record.type === DELETE) continue;\n',
  },
  {
    id: 'ack-after-hole',
    stage: '04',
    bug: 'group commit counts a finished write as ready to sync even when an earlier write failed: a record after a hole is acknowledged',
    file: 'log/group-commit.ts',
    find: '    this.finished.set(start, end);\n',
    replace: '    this.contiguous = Math.max(this.contiguous, end);\n',
  },
  {
    id: 'compacted-log-unprovable',
    stage: '04',
    bug: 'compaction writes its records with synced length 0: damage in a compacted log passes for a torn tail',
    file: 'log/log-store.ts',
    find: 'const record = encodeRecord({ type: PUT, key, value, syncedLength: total });',
    replace: 'const record = encodeRecord({ type: PUT, key, value, syncedLength: 0 });',
  },
  {
    id: 'read-before-write-lands',
    stage: '04',
    bug: 'get reads a value from the log before its write has reached the file',
    file: 'log/live-log.ts',
    find: '    if (location.pending !== undefined) return Promise.resolve(location.pending.slice());\n',
    replace: '',
  },
  ...STORAGE_MUTANTS,
  ...CONCURRENCY_MUTANTS,
];
