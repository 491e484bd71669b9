// Scans: the entries between two bounds, in key order or reversed, read a batch at a time.
//
// A scan cannot keep pages between batches: the caller may write while it iterates, and a write
// copies pages (copy-on-write), frees them (merges) and rewrites free ones. So each batch starts
// again from the root, just past the last key it returned, and moves from leaf to leaf through
// the path it descended: up to the nearest branch with a next child, down that child's edge.
// Leaves have no sibling links, on purpose — under copy-on-write, a link would force a copy of
// the neighbour each time a leaf moves, and then of the neighbour's neighbour…
//
// Between batches the caller may write, so a scan sees some of the writes made while it runs
// (stage 02 allows that), but its keys are always strictly ascending (descending): each batch
// resumes strictly after the last key returned, and every key is checked to be beyond the last.

import type { Entry } from '../../stages/02-ordered-map/contract.ts';
import { compareBytes, copyBytes, keepBytes } from '../core/bytes.ts';
import type { Bound, Bounds } from '../core/skiplist.ts';
import { type BTree, Path } from './btree.ts';
import { cellAt, cellCount, childIndex, findKey, isLeaf, keyAt } from './node-page.ts';
import type { Page } from './page-cache.ts';
import { corruptPage } from './page-layout.ts';

/** A batch ends at this many entries or value bytes, whichever comes first. */
const BATCH_ENTRIES = 128;
const BATCH_BYTES = 256 * 1024;

export interface Batch {
  entries: Entry[];
  /** A copy of the last key read, the scan's own (the caller owns the one in `entries`). */
  last: Uint8Array | undefined;
  /** Nothing more inside the bounds. */
  done: boolean;
}

/**
 * Up to `max` entries (≥ 1; at most BATCH_ENTRIES) in scan order: strictly after `after` when
 * given, else from the start bound. Entries are copies the caller owns.
 */
export async function readBatch(tree: BTree, bounds: Bounds, reverse: boolean, after: Uint8Array | undefined, max: number): Promise<Batch> {
  const step = reverse ? -1 : 1;
  const start: Bound | undefined = after !== undefined ? { key: after, inclusive: false } : reverse ? bounds.upper : bounds.lower;
  const stop = reverse ? bounds.lower : bounds.upper;
  const path = new Path();
  let leaf = await seek(tree, path, start, reverse);
  let i = path.indexes[path.depth - 1]!;
  const entries: Entry[] = [];
  let bytes = 0;
  let last: Uint8Array | undefined;
  const most = Math.min(max, BATCH_ENTRIES);
  while (entries.length < most && bytes < BATCH_BYTES) {
    if (i < 0 || i >= cellCount(leaf.data)) {
      const next = await stepLeaf(tree, path, step);
      if (next === undefined) return { entries, last, done: true };
      leaf = next;
      i = reverse ? cellCount(leaf.data) - 1 : 0;
      continue;
    }
    const key = keyAt(leaf.data, i);
    // Keys must move strictly onwards; in a damaged tree they might not, and a scan that went
    // back would repeat itself forever. Checking costs one comparison and bounds every scan.
    const previous = last ?? after;
    if (previous !== undefined && compareBytes(key, previous) * step <= 0) {
      throw corruptPage(tree.pager.file.path, leaf.no, `holds key ${i} out of order with the key read before it`);
    }
    if (stop !== undefined) {
      const c = compareBytes(key, stop.key) * step;
      if (c > 0 || (c === 0 && !stop.inclusive)) return { entries, last, done: true };
    }
    last = keepBytes(key);
    const pending = tree.valueAt(leaf.data, cellAt(leaf.data, i));
    const value = pending instanceof Promise ? await pending : pending; // only overflow values wait
    entries.push({ key: copyBytes(key), value });
    bytes += value.length;
    i += step;
  }
  return { entries, last, done: false };
}

/**
 * Descends to the leaf where the scan starts and leaves in the path's last index the first
 * position to read, which may be just off either end of the leaf (the caller steps on).
 */
async function seek(tree: BTree, path: Path, start: Bound | undefined, reverse: boolean): Promise<Page> {
  let page = await tree.rootNode();
  while (!isLeaf(page.data)) {
    const d = page.data;
    const j = start !== undefined ? childIndex(d, start.key) : reverse ? cellCount(d) : 0;
    path.push(page, j);
    page = await tree.child(page, j, path.depth);
  }
  let i: number;
  if (start === undefined) {
    i = reverse ? cellCount(page.data) - 1 : 0;
  } else {
    const found = findKey(page.data, start.key);
    // `found` is the key's slot, or ~(the slot it would take) when it is absent.
    if (found >= 0) i = start.inclusive ? found : found + (reverse ? -1 : 1);
    else i = reverse ? ~found - 1 : ~found;
  }
  path.push(page, i);
  return page;
}

/** The next leaf in direction `step` (1 or -1) along the path, or undefined at the tree's edge. */
async function stepLeaf(tree: BTree, path: Path, step: number): Promise<Page | undefined> {
  for (let level = path.depth - 2; level >= 0; level--) {
    const d = path.pages[level]!.data;
    const j = path.indexes[level]! + step;
    if (j < 0 || j > cellCount(d)) continue;
    path.indexes[level] = j;
    path.truncate(level + 1);
    let page = await tree.child(path.pages[level]!, j, level + 1);
    while (!isLeaf(page.data)) {
      const edge = step > 0 ? 0 : cellCount(page.data);
      path.push(page, edge);
      page = await tree.child(page, edge, path.depth);
    }
    path.push(page, 0);
    return page;
  }
  return undefined;
}
