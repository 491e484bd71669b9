// After a delete: lazy rebalancing. A textbook B+tree keeps every node at least half full,
// borrowing from a sibling or merging with it on every delete that goes below half. This one
// does less, on purpose:
// - a node left empty is removed from its parent (a branch left with no child goes too);
// - a node left under a quarter full is merged with a neighbour *if the two fit in one page*;
// - nothing is ever borrowed, and a node that cannot merge simply stays thin.
// So no delete ever needs a split: merging only removes a separator from the parent, and the
// separator that comes down into a merged branch was checked to fit. The code stays small, the
// tree stays correct (sorted, bounded by its separators, every leaf at one depth), and space is
// reclaimed where it matters. The price is fill: a tree can be left sparse after mass deletes
// until inserts fill it again. Johnson and Shasha ("B-trees with inserts and deletes: why
// free-at-empty is better than merge-at-half", 1993) showed how little that costs in practice;
// many production B-trees are lazy in the same way.
//
// Finally a root branch with one child is replaced by that child: the only way the tree gets lower.

import type { BTree } from './btree.ts';
import { cellCount, childAt, isLeaf, keyAt, removeCell, setChildAt, USABLE, usedBytes } from './node-page.ts';
import { canMerge, mergeNodes } from './node-split.ts';
import { PageType, pageTxn } from './page-layout.ts';

/** A node using less than this many bytes is worth merging. */
const UNDERFULL = USABLE / 4;

/** Tidies the current path of `tree` after a cell was removed from its leaf. */
export async function rebalance(tree: BTree): Promise<void> {
  const { path, pager } = tree;
  let level = path.depth - 1;
  // Whether the node at `level` holds nothing and must leave its parent.
  let empty = cellCount(path.pages[level]!.data) === 0;
  for (; level > 0; level--) {
    const page = path.pages[level]!;
    if (empty) {
      pager.release(page.no, pageTxn(page.data));
      if (cellCount(path.pages[level - 1]!.data) === 0) continue; // it was the parent's only child: the parent goes too
      removeChild(tree.writableAt(level - 1).data, path.indexes[level - 1]!);
      empty = false;
    } else if (usedBytes(page.data) >= UNDERFULL || !(await mergeWithNeighbour(tree, level))) {
      break;
    }
  }
  if (empty && level === 0 && !isLeaf(path.pages[0]!.data)) {
    // The root branch lost its last child: the tree is empty again, a single leaf.
    const root = path.pages[0]!;
    pager.release(root.no, pageTxn(root.data));
    tree.root = pager.newNode(PageType.LEAF).no;
    tree.height = 1;
    return;
  }
  await collapseRoot(tree);
}

/** Removes child j of a branch that has at least two. */
function removeChild(d: Uint8Array, j: number): void {
  if (j === 0) {
    // The first cell's child becomes the leftmost; its key, the bound between them, goes.
    setChildAt(d, 0, childAt(d, 1));
    removeCell(d, 0);
  } else {
    removeCell(d, j - 1);
  }
}

/**
 * Merges the node at `level` with its left neighbour (or right, for a first child) when both
 * fit in one page; the right one of the pair is released and its separator leaves the parent.
 */
async function mergeWithNeighbour(tree: BTree, level: number): Promise<boolean> {
  const { path, pager } = tree;
  const j = path.indexes[level - 1]!;
  const parentData = path.pages[level - 1]!.data;
  if (cellCount(parentData) === 0) return false; // an only child has no neighbour
  const pair = j > 0 ? j - 1 : 0; // children pair and pair + 1 merge; cell `pair` separates them
  const neighbour = await tree.child(path.pages[level - 1]!, j > 0 ? j - 1 : 1, level);
  const page = path.pages[level]!;
  const [left, right] = j > 0 ? [neighbour, page] : [page, neighbour];
  const separator = keyAt(parentData, pair).slice();
  if (!canMerge(left.data, right.data, separator)) return false;
  const parent = tree.writableAt(level - 1);
  let target = left;
  if (j > 0) {
    target = pager.writable(left);
    if (target !== left) setChildAt(parent.data, pair, target.no);
  } else {
    target = tree.writableAt(level);
  }
  mergeNodes(target.data, right.data, separator);
  removeCell(parent.data, pair);
  pager.release(right.no, pageTxn(right.data));
  return true;
}

/** While the root is a branch with a single child, that child becomes the root. */
async function collapseRoot(tree: BTree): Promise<void> {
  while (tree.height > 1) {
    const root = await tree.rootNode();
    if (cellCount(root.data) > 0) return;
    tree.pager.release(root.no, pageTxn(root.data));
    tree.root = childAt(root.data, 0);
    tree.height--;
  }
}
