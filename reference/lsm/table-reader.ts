// Reads one sorted table: the footer, index and bloom filter stay in memory (a few bytes per
// 4 KiB block); data blocks come from the block cache or the disk, one at a time.

import type { FileHandle, FileSystem } from '../../stages/file-system.ts';
import { compareBytes } from '../core/bytes.ts';
import { type Bounds, isAboveLower, isBelowUpper } from '../memtable/skiplist.ts';
import type { BlockCache } from './block-cache.ts';
import { mayContain } from './bloom.ts';
import type { Cell } from './cell.ts';
import type { Block } from './block.ts';
import { decodeBlock, decodeBloom, decodeFooter, decodeIndex, FOOTER_BYTES, type IndexEntry } from './sstable-format.ts';
import type { TableMeta } from './table-builder.ts';

export class TableReader {
  private constructor(
    readonly meta: TableMeta,
    private readonly handle: FileHandle,
    private readonly file: string,
    private readonly index: IndexEntry[],
    private readonly bloom: Uint8Array,
    private readonly cache: BlockCache,
  ) {}

  static async open(fs: FileSystem, file: string, meta: TableMeta, cache: BlockCache): Promise<TableReader> {
    const handle = await fs.open(file, 'read');
    const size = await handle.size();
    const footerAt = Math.max(0, size - FOOTER_BYTES);
    const footer = decodeFooter(await handle.read(footerAt, FOOTER_BYTES), file, footerAt);
    const index = decodeIndex(await handle.read(footer.indexOffset, footer.indexLength), file, footer.indexOffset);
    const bloom = decodeBloom(await handle.read(footer.bloomOffset, footer.bloomLength), file, footer.bloomOffset);
    return new TableReader(meta, handle, file, index, bloom, cache);
  }

  /** Memory this reader keeps outside the block cache: index keys and the filter. */
  get residentBytes(): number {
    return this.bloom.length + this.index.reduce((sum, entry) => sum + entry.lastKey.length + 24, 0);
  }

  /** The key's cell in this table, or undefined when the table does not hold the key. */
  async get(key: Uint8Array): Promise<Cell | undefined> {
    if (!mayContain(this.bloom, key)) return undefined;
    const at = this.firstBlockFrom(key);
    if (at === this.index.length) return undefined;
    const block = await this.block(at);
    const i = block.lowerBound(key);
    return i < block.count && block.compareAt(i, key) === 0 ? block.cellAt(i) : undefined;
  }

  /** The table's entries inside the bounds, ascending or descending. */
  async *entries(bounds: Bounds, reverse: boolean): AsyncGenerator<[Uint8Array, Cell]> {
    if (!reverse) {
      const start = bounds.lower === undefined ? 0 : this.firstBlockFrom(bounds.lower.key);
      for (let b = start; b < this.index.length; b++) {
        const block = await this.block(b);
        let i = bounds.lower === undefined ? 0 : block.lowerBound(bounds.lower.key);
        for (; i < block.count; i++) {
          const key = block.keyAt(i);
          if (!isAboveLower(key, bounds.lower)) continue;
          if (!isBelowUpper(key, bounds.upper)) return;
          yield [key, block.cellAt(i)];
        }
      }
    } else {
      const last = bounds.upper === undefined ? this.index.length - 1 : Math.min(this.index.length - 1, this.firstBlockFrom(bounds.upper.key));
      for (let b = last; b >= 0; b--) {
        const block = await this.block(b);
        for (let i = block.count - 1; i >= 0; i--) {
          const key = block.keyAt(i);
          if (!isBelowUpper(key, bounds.upper)) continue;
          if (!isAboveLower(key, bounds.lower)) return;
          yield [key, block.cellAt(i)];
        }
      }
    }
  }

  close(): Promise<void> {
    this.cache.forget(this.meta.number);
    return this.handle.close();
  }

  /** The first block whose last key is >= key (index.length when there is none). */
  private firstBlockFrom(key: Uint8Array): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.index[mid]!.lastKey, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private async block(at: number): Promise<Block> {
    const { offset, length } = this.index[at]!;
    const cached = this.cache.get(this.meta.number, offset);
    if (cached !== undefined) return cached;
    const block = decodeBlock(await this.handle.read(offset, length), this.file, offset);
    this.cache.set(this.meta.number, offset, block);
    return block;
  }
}

