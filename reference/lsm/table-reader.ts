// Reads one sorted table: the footer, index and bloom filter stay in memory (a few bytes per
// 4 KiB block); data blocks come from the block cache or the disk, one at a time.

import type { FileHandle, FileSystem } from '../../stages/file-system.ts';
import { compareBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { type Bounds, isAboveLower, isBelowUpper } from '../core/skiplist.ts';
import type { BlockCache } from './block-cache.ts';
import type { Block } from './block.ts';
import { mayContain } from './bloom.ts';
import type { Cell } from './cell.ts';
import { decodeBlock, decodeBloom, decodeFooter, decodeIndex, type Footer, FOOTER_BYTES, type IndexEntry } from './sstable-format.ts';
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

  /**
   * Opens the table the manifest describes as `meta`. The file must be that table: its footer
   * names the same number and entry count, and its size is the size the manifest recorded —
   * a file renamed, swapped or cut is CORRUPT, never a table answering for keys it lacks.
   */
  static async open(fs: FileSystem, file: string, meta: TableMeta, cache: BlockCache): Promise<TableReader> {
    const handle = await openTableFile(fs, file);
    try {
      const size = await handle.size();
      const footer = await readFooter(handle, file, size);
      const mismatch =
        footer.number !== meta.number
          ? `holds table ${footer.number}, not table ${meta.number} (a file renamed or swapped?)`
          : size !== meta.bytes
            ? `is ${size} bytes; the manifest says ${meta.bytes}`
            : footer.entries !== meta.entries
              ? `holds ${footer.entries} entries; the manifest says ${meta.entries}`
              : undefined;
      if (mismatch !== undefined) throw new KvError('CORRUPT', `${file}: ${mismatch} at offset ${size - FOOTER_BYTES}`);
      const index = decodeIndex(await handle.read(footer.indexOffset, footer.indexLength), file, footer.indexOffset);
      const bloom = decodeBloom(await handle.read(footer.bloomOffset, footer.bloomLength), file, footer.bloomOffset);
      return new TableReader(meta, handle, file, index, bloom, cache);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Memory this reader keeps outside the block cache: index keys and the filter. */
  get residentBytes(): number {
    return this.bloom.length + this.index.reduce((sum, entry) => sum + entry.lastKey.length + 24, 0);
  }

  /**
   * The key's cell in this table, or undefined when the table does not hold the key. A
   * promise only when the block must come from the disk: most tables a get asks are ruled
   * out by the bloom filter, and a cached block answers at once.
   */
  get(key: Uint8Array): Cell | undefined | Promise<Cell | undefined> {
    if (!mayContain(this.bloom, key)) return undefined;
    const at = this.firstBlockFrom(key);
    if (at === this.index.length) return undefined;
    const cached = this.cachedBlock(at);
    if (cached !== undefined) return find(cached, key);
    return this.readBlock(at).then((block) => find(block, key));
  }

  /** A cursor over the table's entries inside the bounds, ascending or descending. */
  async cursor(bounds: Bounds, reverse: boolean): Promise<TableCursor> {
    const cursor = new TableCursor(this, bounds, reverse);
    await cursor.start();
    return cursor;
  }

  get blockCount(): number {
    return this.index.length;
  }

  /** The first block whose last key is >= key (blockCount when there is none). */
  firstBlockFrom(key: Uint8Array): number {
    let lo = 0;
    let hi = this.index.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.index[mid]!.lastKey, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Block `at`, from the cache or the disk. */
  block(at: number): Block | Promise<Block> {
    return this.cachedBlock(at) ?? this.readBlock(at);
  }

  private cachedBlock(at: number): Block | undefined {
    return this.cache.get(this.meta.number, this.index[at]!.offset);
  }

  private async readBlock(at: number): Promise<Block> {
    const { offset, length } = this.index[at]!;
    const block = decodeBlock(await this.handle.read(offset, length), this.file, offset);
    this.cache.set(this.meta.number, offset, block);
    return block;
  }

  close(): Promise<void> {
    this.cache.forget(this.meta.number);
    return this.handle.close();
  }
}

/** Opens a table's file; a missing one is CORRUPT (the manifest or a repair names it), not a bare ENOENT. */
export async function openTableFile(fs: FileSystem, file: string): Promise<FileHandle> {
  try {
    return await fs.open(file, 'read');
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
    throw new KvError('CORRUPT', `${file}: missing — the manifest names this table, but the file is gone (at offset 0)`);
  }
}

/** The footer at the end of a table file of `size` bytes. */
export async function readFooter(handle: FileHandle, file: string, size: number): Promise<Footer> {
  const footerAt = Math.max(0, size - FOOTER_BYTES);
  return decodeFooter(await handle.read(footerAt, FOOTER_BYTES), file, footerAt);
}

function find(block: Block, key: Uint8Array): Cell | undefined {
  const i = block.lowerBound(key);
  return i < block.count && block.compareAt(i, key) === 0 ? block.cellAt(i) : undefined;
}

/**
 * Walks a table in key order, one entry at a time. advance() returns a promise only when it
 * has to read the next block, so a merge over many tables awaits once per block, not per key.
 */
export class TableCursor {
  /** The current entry's key, or undefined past the end. */
  key: Uint8Array | undefined;
  cell: Cell = null;
  private block: Block | undefined;
  private blockAt: number;
  private i = 0;

  constructor(
    private readonly table: TableReader,
    private readonly bounds: Bounds,
    private readonly reverse: boolean,
  ) {
    const { lower, upper } = bounds;
    const last = table.blockCount - 1;
    this.blockAt = reverse
      ? upper === undefined ? last : Math.min(last, table.firstBlockFrom(upper.key))
      : lower === undefined ? 0 : table.firstBlockFrom(lower.key);
  }

  async start(): Promise<void> {
    if (!(await this.load())) return;
    const { lower, upper } = this.bounds;
    if (!this.reverse) {
      this.i = lower === undefined ? 0 : this.block!.lowerBound(lower.key);
    } else {
      this.i = upper === undefined ? this.block!.count - 1 : this.block!.lowerBound(upper.key);
      if (this.i >= this.block!.count || (upper !== undefined && this.block!.compareAt(this.i, upper.key) > 0)) this.i--;
    }
    await this.settle();
  }

  advance(): void | Promise<void> {
    this.i += this.reverse ? -1 : 1;
    return this.settle();
  }

  /** Moves to the next block when the current one is used up; checks the bounds. */
  private settle(): void | Promise<void> {
    const block = this.block;
    if (block === undefined) return;
    if (this.i < 0 || this.i >= block.count) {
      this.blockAt += this.reverse ? -1 : 1;
      return this.load().then((loaded) => {
        if (!loaded) return;
        this.i = this.reverse ? this.block!.count - 1 : 0;
        return this.settle();
      });
    }
    const key = block.keyAt(this.i);
    const inside = this.reverse ? isAboveLower(key, this.bounds.lower) : isBelowUpper(key, this.bounds.upper);
    const reached = this.reverse ? isBelowUpper(key, this.bounds.upper) : isAboveLower(key, this.bounds.lower);
    if (!inside) {
      this.finish();
      return;
    }
    if (!reached) return this.advance();
    this.key = key;
    this.cell = block.cellAt(this.i);
  }

  private async load(): Promise<boolean> {
    if (this.blockAt < 0 || this.blockAt >= this.table.blockCount) {
      this.finish();
      return false;
    }
    const block = this.table.block(this.blockAt);
    this.block = block instanceof Promise ? await block : block;
    return true;
  }

  private finish(): void {
    this.block = undefined;
    this.key = undefined;
  }
}
