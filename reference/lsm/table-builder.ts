// Writes one sorted table from entries given in key order: data blocks of about 4 KiB, then
// the index, the bloom filter and the footer; syncs the file before it reports the table,
// because a table named in the manifest must be whole on disk.

import type { FileSystem } from '../../stages/file-system.ts';
import { buildBloom } from './bloom.ts';
import type { Cell } from './cell.ts';
import { encodeBlock, encodeBloom, encodeFooter, encodeIndex, type IndexEntry } from './sstable-format.ts';

export const BLOCK_BYTES = 4096;

export interface TableMeta {
  /** The file's number: its name is table-NNNNNN.sst. */
  number: number;
  smallest: Uint8Array;
  largest: Uint8Array;
  bytes: number;
  entries: number;
}

export const tableName = (number: number) => `table-${String(number).padStart(6, '0')}.sst`;

export class TableBuilder {
  private keys: Uint8Array[] = [];
  private cells: Cell[] = [];
  private blockBytes = 0;
  private readonly index: IndexEntry[] = [];
  private readonly allKeys: Uint8Array[] = [];
  private readonly pending: Uint8Array[] = [];
  private offset = 0;
  private entries = 0;

  constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
    readonly number: number,
    /** The level the table is written for: the footer records it for repair. */
    private readonly level: number,
  ) {}

  /** Bytes written or buffered so far: compaction cuts its output into tables by this. */
  get size(): number {
    return this.offset + this.blockBytes;
  }

  add(key: Uint8Array, cell: Cell): void {
    this.keys.push(key);
    this.cells.push(cell);
    this.allKeys.push(key);
    this.blockBytes += key.length + (cell === null ? 0 : cell.length) + 9;
    this.entries++;
    if (this.blockBytes >= BLOCK_BYTES) this.cutBlock();
  }

  /** Writes the table and syncs it; returns its description for the manifest. */
  async finish(): Promise<TableMeta> {
    if (this.keys.length > 0) this.cutBlock();
    const index = encodeIndex(this.index);
    const bloom = encodeBloom(buildBloom(this.allKeys));
    const indexOffset = this.offset;
    const bloomOffset = indexOffset + index.length;
    const footer = encodeFooter({
      indexOffset,
      indexLength: index.length,
      bloomOffset,
      bloomLength: bloom.length,
      entries: this.entries,
      number: this.number,
      level: this.level,
    });
    this.pending.push(index, bloom, footer);
    const bytes = concat(this.pending, bloomOffset + bloom.length + footer.length);
    const handle = await this.fs.open(this.path, 'create');
    try {
      await handle.truncate(0);
      await handle.write(0, bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { number: this.number, smallest: this.allKeys[0]!, largest: this.allKeys[this.allKeys.length - 1]!, bytes: bytes.length, entries: this.entries };
  }

  private cutBlock(): void {
    const block = encodeBlock(this.keys, this.cells);
    this.index.push({ lastKey: this.keys[this.keys.length - 1]!, offset: this.offset, length: block.length });
    this.pending.push(block);
    this.offset += block.length;
    this.keys = [];
    this.cells = [];
    this.blockBytes = 0;
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
