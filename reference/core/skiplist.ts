// An ordered map from byte keys to values, kept as a skip list.
//
// The engine's ordered map: stage 02's store is this list behind its contract (memory-store.ts
// beside it), and the layers above build on it — the LSM tree's memtable (lsm/memtable.ts), the
// stage 04 log's index, a transaction's writes and versions. A skip list
// suits that job: inserts are O(log n) with no rebalancing, an in-order walk is a pointer
// chase along level 0, and a reader can keep walking while a writer links new nodes in.
//
//   level 2  head ─────────────────────────▶ "m" ─────────────────────────▶ nil
//   level 1  head ─────────▶ "c" ──────────▶ "m" ─────────▶ "t" ──────────▶ nil
//   level 0  head ─▶ "a" ─▶ "c" ─▶ "f" ─▶ "m" ─▶ "p" ─▶ "t" ─▶ "x" ─▶ nil
//                   ◀─────  prev pointers on level 0 make reverse scans O(1) a step ─────
//
// A node's height is drawn at random (each extra level with probability 1/4), so a search
// skips most of level 0 by starting high and dropping down. The generator is seeded, so a
// given sequence of inserts always builds the same list: runs are reproducible.

import { compareBytes } from './bytes.ts';

const MAX_HEIGHT = 12; // 4^12 ≈ 16M keys before searches start to slow down
const BRANCHING = 4; // one node in four is promoted to the next level

class Node<V> {
  /** next[i] is the following node on level i; the array's length is the node's height. */
  readonly next: Array<Node<V> | null>;
  /** The preceding node on level 0 (the head for the first node). */
  prev: Node<V> | null = null;

  constructor(
    readonly key: Uint8Array,
    public value: V,
    height: number,
  ) {
    this.next = new Array<Node<V> | null>(height).fill(null);
  }
}

/** A bound of a range: a key, and whether the key itself is inside the range. */
export interface Bound {
  key: Uint8Array;
  inclusive: boolean;
}

export interface Bounds {
  lower?: Bound;
  upper?: Bound;
}

export class SkipList<V> {
  private readonly head: Node<V>;
  private height = 1;
  private count = 0;
  private randomState: number;

  constructor(seed = 0x9e3779b9) {
    this.head = new Node<V>(new Uint8Array(0), undefined as V, MAX_HEIGHT);
    this.randomState = seed >>> 0 || 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: Uint8Array): V | undefined {
    const node = this.seekAtLeast(key);
    return node !== null && compareBytes(node.key, key) === 0 ? node.value : undefined;
  }

  /** Inserts the key, or replaces its value if it is already there. */
  set(key: Uint8Array, value: V): void {
    const update = this.predecessors(key);
    const found = update[0].next[0];
    if (found !== null && compareBytes(found.key, key) === 0) {
      found.value = value;
      return;
    }
    const height = this.randomHeight();
    if (height > this.height) {
      for (let level = this.height; level < height; level++) update[level] = this.head;
      this.height = height;
    }
    const node = new Node(key, value, height);
    for (let level = 0; level < height; level++) {
      node.next[level] = update[level].next[level];
      update[level].next[level] = node;
    }
    node.prev = update[0];
    if (node.next[0] !== null) node.next[0].prev = node;
    this.count++;
  }

  /**
   * Unlinks the key; returns whether it was there. The removed node keeps its own pointers,
   * so an iterator standing on it can still step to its old neighbours.
   */
  delete(key: Uint8Array): boolean {
    const update = this.predecessors(key);
    const node = update[0].next[0];
    if (node === null || compareBytes(node.key, key) !== 0) return false;
    for (let level = 0; level < node.next.length; level++) {
      update[level].next[level] = node.next[level];
    }
    if (node.next[0] !== null) node.next[0].prev = node.prev;
    while (this.height > 1 && this.head.next[this.height - 1] === null) this.height--;
    this.count--;
    return true;
  }

  /** Walks the keys inside `bounds`, ascending, or descending when `reverse` is set. */
  *entries(bounds: Bounds = {}, reverse = false): Generator<[Uint8Array, V]> {
    if (reverse) {
      let node = this.lastInside(bounds.upper);
      while (node !== null && node !== this.head && isAboveLower(node.key, bounds.lower)) {
        yield [node.key, node.value];
        node = node.prev;
      }
    } else {
      let node = this.firstInside(bounds.lower);
      while (node !== null && isBelowUpper(node.key, bounds.upper)) {
        yield [node.key, node.value];
        node = node.next[0];
      }
    }
  }

  /** The first node inside a lower bound, or the first node of all when there is none. */
  private firstInside(lower: Bound | undefined): Node<V> | null {
    if (lower === undefined) return this.head.next[0];
    const node = this.seekAtLeast(lower.key);
    if (node !== null && !lower.inclusive && compareBytes(node.key, lower.key) === 0) {
      return node.next[0];
    }
    return node;
  }

  /** The last node inside an upper bound: the predecessor of the first node beyond it. */
  private lastInside(upper: Bound | undefined): Node<V> | null {
    let beyond: Node<V> | null = null;
    if (upper !== undefined) {
      beyond = this.seekAtLeast(upper.key);
      if (beyond !== null && upper.inclusive && compareBytes(beyond.key, upper.key) === 0) {
        beyond = beyond.next[0];
      }
    }
    return beyond === null ? this.last() : beyond.prev;
  }

  /** The first node whose key is >= key, or null. */
  private seekAtLeast(key: Uint8Array): Node<V> | null {
    let node = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      let next = node.next[level];
      while (next !== null && compareBytes(next.key, key) < 0) {
        node = next;
        next = node.next[level];
      }
    }
    return node.next[0];
  }

  /** For each level, the last node whose key is < key: the nodes an insert or delete relinks. */
  private predecessors(key: Uint8Array): Array<Node<V>> {
    const update = new Array<Node<V>>(MAX_HEIGHT);
    let node = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      let next = node.next[level];
      while (next !== null && compareBytes(next.key, key) < 0) {
        node = next;
        next = node.next[level];
      }
      update[level] = node;
    }
    return update;
  }

  private last(): Node<V> | null {
    let node = this.head;
    for (let level = this.height - 1; level >= 0; level--) {
      for (let next = node.next[level]; next !== null; next = node.next[level]) node = next;
    }
    return node === this.head ? null : node;
  }

  /** Height 1 always; each further level with probability 1/BRANCHING (xorshift32). */
  private randomHeight(): number {
    let height = 1;
    while (height < MAX_HEIGHT && this.nextRandom() % BRANCHING === 0) height++;
    return height;
  }

  private nextRandom(): number {
    let x = this.randomState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.randomState = x >>> 0;
    return this.randomState;
  }
}

/** Whether a key is inside a range's lower bound (always, when there is none). */
export function isAboveLower(key: Uint8Array, lower: Bound | undefined): boolean {
  if (lower === undefined) return true;
  const c = compareBytes(key, lower.key);
  return lower.inclusive ? c >= 0 : c > 0;
}

/** Whether a key is inside a range's upper bound (always, when there is none). */
export function isBelowUpper(key: Uint8Array, upper: Bound | undefined): boolean {
  if (upper === undefined) return true;
  const c = compareBytes(key, upper.key);
  return upper.inclusive ? c <= 0 : c < 0;
}
