// The B+tree: every key and value in the leaves, only separator keys in the branches above,
// every leaf at the same depth. This file finds keys, inserts them (splitting full nodes, up
// to a new root) and deletes them; rebalance.ts tidies up after a delete, cursor.ts scans.
//
//                        [ branch:  •  "g"  •  "p"  • ]
//                          /            |            \
//             [leaf a b c d]      [leaf g h k]      [leaf p r z]
//
// Changes never touch a page of the last flush: `writableAt` asks the pager for a writable
// version of a node on the current path, and when that is a copy at a new location, points the
// parent at it — copying the parent in turn if need be, up to the root (pager.ts explains why).
//
// The caller runs one operation at a time (btree-store.ts), and the pager trims its cache only
// between operations, so the pages on a path stay valid across the awaits inside one.

import { copyBytes } from '../core/bytes.ts';
import type { Page } from './page-cache.ts';
import type { Pager } from './pager.ts';
import { NO_PAGE, PageType, corruptPage, pageType, u32 } from './page-layout.ts';
import {
  branchCellSize, cellAt, cellCount, childAt, childIndex, fitsInline, findKey, INLINE, isLeaf, leafCellSize, OVERFLOW,
  removeCell, reserveCell, setChildAt, valueKind, valueLength, valueStart, writeBranchCell, writeInlineCell, writeOverflowCell,
} from './node-page.ts';
import { splitNode } from './node-split.ts';
import { readOverflow, releaseOverflow, writeOverflow } from './overflow.ts';
import { rebalance } from './rebalance.ts';

/** The nodes from the root down to a leaf, and which child was taken at each branch. */
export class Path {
  readonly pages: Page[] = [];
  readonly indexes: number[] = [];

  get depth(): number {
    return this.pages.length;
  }

  push(page: Page, index: number): void {
    this.pages.push(page);
    this.indexes.push(index);
  }

  truncate(depth: number): void {
    this.pages.length = depth;
    this.indexes.length = depth;
  }
}

export class BTree {
  /** The path of the write in progress: writes run one at a time, so one is reused. */
  readonly path = new Path();

  constructor(
    readonly pager: Pager,
    public root: number,
    /** Levels: 1 when the root is a leaf. */
    public height: number,
    public keys: number,
  ) {}

  /** A node page, from the cache or else the file. */
  async node(no: number): Promise<Page> {
    return this.pager.cached(no) ?? this.pager.load(no);
  }

  /**
   * Child j of a branch, which sits at `depth`, checked to be the right kind of node: a leaf
   * exactly at the bottom level, a branch above it. Every descent checks this, so a damaged
   * pointer (a cycle, a leaf too high) fails with CORRUPT instead of looping or misreading.
   */
  async child(branch: Page, j: number, depth: number): Promise<Page> {
    const no = childAt(branch.data, j);
    const page = this.pager.cached(no) ?? (await this.pager.load(no));
    if (isLeaf(page.data) !== (depth === this.height - 1)) throw this.misplaced(no, depth);
    return page;
  }

  /** The root, checked like a child (a leaf exactly when the tree is one level high). */
  async rootNode(): Promise<Page> {
    const page = await this.node(this.root);
    if (isLeaf(page.data) !== (this.height === 1)) throw this.misplaced(page.no, 0);
    return page;
  }

  /**
   * The hot path of every get, so the descent is written out instead of going through child():
   * a cached page costs no await. The depth checks are the same.
   */
  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    let page = this.pager.cached(this.root) ?? (await this.pager.load(this.root));
    let level = 0;
    while (!isLeaf(page.data)) {
      if (++level >= this.height) throw this.misplaced(page.no, level - 1);
      const no = childAt(page.data, childIndex(page.data, key));
      page = this.pager.cached(no) ?? (await this.pager.load(no));
    }
    if (level !== this.height - 1) throw this.misplaced(page.no, level);
    const d = page.data;
    const i = findKey(d, key);
    if (i < 0) return undefined;
    return this.valueAt(d, cellAt(d, i));
  }

  /** The value of the leaf cell at `cell`: a fresh copy the caller owns. */
  valueAt(d: Uint8Array, cell: number): Promise<Uint8Array> | Uint8Array {
    const start = valueStart(d, cell);
    if (valueKind(d, cell) === INLINE) return copyBytes(d.subarray(start, start + valueLength(d, cell)));
    return readOverflow(this.pager, u32(d, start), valueLength(d, cell));
  }

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    const path = await this.descend(key);
    const level = path.depth - 1;
    const old = path.pages[level]!.data;
    const i = findKey(old, key);
    // Overflow pages are written, and an old chain released, before the tree changes.
    const first = fitsInline(key.length, value.length) ? NO_PAGE : await writeOverflow(this.pager, value);
    if (i >= 0 && valueKind(old, cellAt(old, i)) === OVERFLOW) {
      const cell = cellAt(old, i);
      await releaseOverflow(this.pager, u32(old, valueStart(old, cell)), valueLength(old, cell));
    }
    const d = this.writableAt(level).data;
    if (i < 0) {
      this.keys++;
      return this.insertLeafCell(level, ~i, key, value, first);
    }
    const cell = cellAt(d, i);
    if (first === NO_PAGE && valueKind(d, cell) === INLINE && valueLength(d, cell) === value.length) {
      d.set(value, valueStart(d, cell)); // same length: overwrite in place
      return;
    }
    removeCell(d, i);
    this.insertLeafCell(level, i, key, value, first);
  }

  /** Removes `key`; false if it was not there (and then nothing changed, not even a copy). */
  async delete(key: Uint8Array): Promise<boolean> {
    const path = await this.descend(key);
    const level = path.depth - 1;
    const old = path.pages[level]!.data;
    const i = findKey(old, key);
    if (i < 0) return false;
    const cell = cellAt(old, i);
    if (valueKind(old, cell) === OVERFLOW) await releaseOverflow(this.pager, u32(old, valueStart(old, cell)), valueLength(old, cell));
    removeCell(this.writableAt(level).data, i);
    this.keys--;
    await rebalance(this);
    return true;
  }

  /** Makes every change so far durable (see Pager.commit). */
  commit(): Promise<void> {
    return this.pager.commit(this.root, this.height, this.keys);
  }

  /** Fills `this.path` from the root down to the leaf where `key` belongs. */
  private async descend(key: Uint8Array): Promise<Path> {
    const path = this.path;
    path.truncate(0);
    let page = await this.rootNode();
    for (let depth = 1; !isLeaf(page.data); depth++) {
      const j = childIndex(page.data, key);
      path.push(page, j);
      page = await this.child(page, j, depth);
    }
    path.push(page, 0);
    return path;
  }

  /**
   * The node at `level` of the current path, ready to change: the pager's writable version,
   * with the parent (made writable itself) pointed at it when it is a new copy.
   */
  writableAt(level: number): Page {
    const page = this.path.pages[level]!;
    const writable = this.pager.writable(page);
    if (writable !== page) {
      this.path.pages[level] = writable;
      if (level === 0) this.root = writable.no;
      else setChildAt(this.writableAt(level - 1).data, this.path.indexes[level - 1]!, writable.no);
    }
    return writable;
  }

  private insertLeafCell(level: number, index: number, key: Uint8Array, value: Uint8Array, first: number): void {
    const d = this.path.pages[level]!.data;
    const size = first === NO_PAGE ? leafCellSize(key.length, INLINE, value.length) : leafCellSize(key.length, OVERFLOW, 0);
    const at = reserveCell(d, index, size);
    const target = at >= 0 ? d : new Uint8Array(size);
    const offset = at >= 0 ? at : 0;
    if (first === NO_PAGE) writeInlineCell(target, offset, key, value);
    else writeOverflowCell(target, offset, key, value.length, first);
    if (at < 0) this.split(level, index, target);
  }

  /**
   * Puts `cell` at slot `index` of the full node at `level` by splitting the node; the new
   * right half's separator then goes into the parent, which may split in turn. A split root
   * gets a new root above it: the only way the tree grows taller.
   */
  private split(level: number, index: number, cell: Uint8Array): void {
    for (;;) {
      const page = this.path.pages[level]!;
      const right = this.pager.newNode(pageType(page.data));
      const separator = splitNode(page.data, right.data, index, cell, this.atRightEdge(level, index));
      const up = new Uint8Array(branchCellSize(separator.length));
      writeBranchCell(up, 0, separator, right.no);
      if (level === 0) {
        const root = this.pager.newNode(PageType.BRANCH);
        setChildAt(root.data, 0, page.no);
        root.data.set(up, reserveCell(root.data, 0, up.length));
        this.root = root.no;
        this.height++;
        return;
      }
      // The parent took child j to get here; the right half becomes child j + 1, which is cell j.
      level--;
      index = this.path.indexes[level]!;
      const parent = this.writableAt(level).data;
      const at = reserveCell(parent, index, up.length);
      if (at >= 0) return parent.set(up, at);
      cell = up;
    }
  }

  /** Whether slot `index` at `level` is the last position of the whole tree (sequential inserts). */
  private atRightEdge(level: number, index: number): boolean {
    if (index !== cellCount(this.path.pages[level]!.data)) return false;
    for (let l = 0; l < level; l++) if (this.path.indexes[l] !== cellCount(this.path.pages[l]!.data)) return false;
    return true;
  }

  misplaced(no: number, level: number): Error {
    return corruptPage(this.pager.file.path, no, `is out of place: a node at depth ${level} of a tree ${this.height} levels high`);
  }
}
