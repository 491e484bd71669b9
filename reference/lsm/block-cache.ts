// A least-recently-used cache of decoded blocks, bounded in bytes: the part of the memory
// budget that keeps hot blocks off the disk. A Map keeps insertion order, so re-inserting on
// a hit makes the oldest entry the first one — the one to evict.

import type { Block } from './block.ts';

export class BlockCache {
  private readonly blocks = new Map<number, Block>();
  bytes = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(table: number, offset: number): Block | undefined {
    const id = blockId(table, offset);
    const block = this.blocks.get(id);
    if (block === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.blocks.delete(id);
    this.blocks.set(id, block);
    return block;
  }

  set(table: number, offset: number, block: Block): void {
    const id = blockId(table, offset);
    if (this.blocks.has(id)) return;
    this.blocks.set(id, block);
    this.bytes += block.bytes;
    for (const [oldest, evicted] of this.blocks) {
      if (this.bytes <= this.capacity) break;
      this.blocks.delete(oldest);
      this.bytes -= evicted.bytes;
    }
  }

  /** Drops a table's blocks when the table is deleted. */
  forget(table: number): void {
    for (const [id, block] of this.blocks) {
      if (Math.floor(id / OFFSETS) === table) {
        this.blocks.delete(id);
        this.bytes -= block.bytes;
      }
    }
  }
}

/** Offsets below 2^32 (a table is far smaller), so table * 2^32 + offset is exact below 2^53. */
const OFFSETS = 2 ** 32;

/** A number, not a string such as "12:4096": a lookup then neither builds nor hashes a string. */
function blockId(table: number, offset: number): number {
  return table * OFFSETS + offset;
}
