// A data block as it sits in the cache: its bytes, and the offset of each entry. Nothing is
// decoded into objects: a get binary-searches the keys where they lie, and only the entry it
// returns becomes a view. (Decoding every entry of a 4 KiB block into arrays made a cache miss
// cost dozens of allocations; the garbage collector then dominated random reads.)
//
//   entry: flags u8 (1 = tombstone) · key length u32 · value length u32 · key · value

import { KvError } from '../core/errors.ts';
import { type Cell, TOMBSTONE } from './cell.ts';

const ENTRY_HEADER = 9;

export class Block {
  private constructor(
    private readonly data: Uint8Array,
    private readonly view: DataView,
    /** Where each entry starts in data: a plain array, as a Uint32Array would cost a backing store per block. */
    private readonly starts: number[],
  ) {}

  /** Indexes the entries of a block whose checksum has been verified; `end` excludes the trailer. */
  static index(data: Uint8Array, count: number, end: number, file: string, offset: number): Block {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const starts: number[] = new Array<number>(count);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at + ENTRY_HEADER > end) throw new KvError('CORRUPT', `${file}: entry ${i} of a block runs past its end at offset ${offset + at}`);
      starts[i] = at;
      at += ENTRY_HEADER + view.getUint32(at + 1, true) + view.getUint32(at + 5, true);
      if (at > end) throw new KvError('CORRUPT', `${file}: entry ${i} of a block runs past its end at offset ${offset + starts[i]!}`);
    }
    if (at !== end) throw new KvError('CORRUPT', `${file}: ${end - at} unexplained bytes after a block's entries at offset ${offset + at}`);
    return new Block(data, view, starts);
  }

  get count(): number {
    return this.starts.length;
  }

  /** What the block cache counts. */
  get bytes(): number {
    return this.data.length + 8 * this.starts.length;
  }

  keyAt(i: number): Uint8Array {
    const at = this.starts[i]!;
    return this.data.subarray(at + ENTRY_HEADER, at + ENTRY_HEADER + this.view.getUint32(at + 1, true));
  }

  cellAt(i: number): Cell {
    const at = this.starts[i]!;
    if (this.data[at] === 1) return TOMBSTONE;
    const valueStart = at + ENTRY_HEADER + this.view.getUint32(at + 1, true);
    return this.data.subarray(valueStart, valueStart + this.view.getUint32(at + 5, true));
  }

  /** The first entry whose key is >= key (count when there is none). */
  lowerBound(key: Uint8Array): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** compareBytes(keyAt(i), key), without making a view. */
  compareAt(i: number, key: Uint8Array): number {
    const at = this.starts[i]!;
    const length = this.view.getUint32(at + 1, true);
    const start = at + ENTRY_HEADER;
    const n = length < key.length ? length : key.length;
    const data = this.data;
    for (let j = 0; j < n; j++) {
      const d = data[start + j]! - key[j]!;
      if (d !== 0) return d;
    }
    return length - key.length;
  }
}
