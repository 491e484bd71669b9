// The manifest: which tables are live, at which level, and the next file number. It is the
// LSM tree's single source of truth on disk, replaced as a whole by the rename dance of
// stage 03 — write MANIFEST.tmp, sync, rename over MANIFEST, sync the directory — so a
// flush or a compaction takes effect in one atomic step, and a crash leaves the old tree or
// the new one. Files that no manifest names are leftovers of work that never took effect.
//
//   magic "DBKMAN01" · next file number u64 · table count u32 ·
//   per table: level u8 · number u64 · bytes u64 · entries u64 · smallest (u32 length, bytes) ·
//              largest (u32 length, bytes)  ·  CRC-32 of everything before it

import type { FileSystem } from '../../stages/file-system.ts';
import { ByteReader, ByteWriter } from '../core/binary.ts';
import { crc32, hex32 } from '../core/crc32.ts';
import { KvError } from '../core/errors.ts';
import { replaceFile } from '../storage/directory.ts';
import type { TableMeta } from './table-builder.ts';

export const MANIFEST = 'MANIFEST';
/** What to do about a lost or damaged manifest: said wherever open refuses for that reason. */
export const repairHint = (dir: string) => `To rebuild the manifest from the tables' own footers: npm start -- repair --dir ${dir}`;
const MAGIC = new TextEncoder().encode('DBKMAN01');

export interface ManifestState {
  nextFileNumber: number;
  /** levels[n] lists the tables of level n (level 0: newest first). */
  levels: TableMeta[][];
}

export function encodeManifest(state: ManifestState): Uint8Array {
  const out = new ByteWriter(256);
  out.bytes(MAGIC);
  out.u64(state.nextFileNumber);
  out.u32(state.levels.reduce((sum, level) => sum + level.length, 0));
  state.levels.forEach((tables, level) => {
    for (const table of tables) {
      out.u8(level);
      out.u64(table.number);
      out.u64(table.bytes);
      out.u64(table.entries);
      out.u32(table.smallest.length);
      out.bytes(table.smallest);
      out.u32(table.largest.length);
      out.bytes(table.largest);
    }
  });
  out.u32(crc32(out.finish()));
  return out.finish();
}

export function decodeManifest(bytes: Uint8Array, file: string): ManifestState {
  const body = bytes.length - 4;
  if (body < MAGIC.length + 12) throw new KvError('CORRUPT', `${file}: cut short (${bytes.length} bytes) at offset ${bytes.length}`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset + body, 4).getUint32(0, true);
  const computed = crc32(bytes.subarray(0, body));
  if (stored !== computed) throw new KvError('CORRUPT', `${file}: checksum mismatch (stored ${hex32(stored)}, computed ${hex32(computed)}) at offset ${body}`);
  const reader = new ByteReader(bytes, file, 0, body);
  if (!reader.bytesView(MAGIC.length, 'magic').every((byte, i) => byte === MAGIC[i])) throw reader.corrupt('not a dbkata manifest (bad magic)', 0);
  const nextFileNumber = reader.u64('next file number');
  const count = reader.u32('table count');
  const levels: TableMeta[][] = [];
  for (let i = 0; i < count; i++) {
    const level = reader.u8('level');
    const table = {
      number: reader.u64('table number'),
      bytes: reader.u64('table bytes'),
      entries: reader.u64('table entries'),
      smallest: reader.bytesView(reader.u32('smallest key length'), 'smallest key').slice(),
      largest: reader.bytesView(reader.u32('largest key length'), 'largest key').slice(),
    };
    while (levels.length <= level) levels.push([]);
    levels[level]!.push(table);
  }
  return { nextFileNumber, levels };
}

/** Replaces the manifest atomically and durably: once this resolves, obsolete files may go. */
export function writeManifest(fs: FileSystem, dir: string, state: ManifestState): Promise<void> {
  return replaceFile(fs, dir, MANIFEST, encodeManifest(state));
}
