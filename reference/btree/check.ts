// The paranoid checks: after every write with `paranoid: true`, walk the whole tree and the
// free space and prove the invariants the rest of the engine relies on. Slow (it reads every
// page), so only tests and debugging turn it on — and the best debugger a B+tree has. The first
// broken rule is thrown as CORRUPT, naming the page and what is wrong with it:
// - a node's slots, cells and garbage fit the page and add up;
// - within a node, keys strictly ascend;
// - every key lies within the separators that lead to its node (lower inclusive, upper exclusive);
// - every leaf is at the same depth, the tree's height; only the root may be an empty leaf,
//   and a root branch has at least two children (else it would have been collapsed);
// - no page is reached twice, none is both reachable and free, and none is neither (a leak);
// - the key count kept in memory matches the keys in the leaves.
// The walk reads through the cache without disturbing it, so checking changes nothing.

import { compareBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import type { BTree } from './btree.ts';
import { cellAt, cellCount, cellSize, childAt, isLeaf, keyAt, keyLength, OVERFLOW, SLOT, valueKind, valueLength, valueStart } from './node-page.ts';
import { walkChain } from './overflow.ts';
import { corruptPage, H_GARBAGE, H_START, HEADER, META_PAGES, PAGE_SIZE, PageType, pageType, u16, u32 } from './page-layout.ts';

export async function checkTree(tree: BTree): Promise<void> {
  const { pager } = tree;
  const file = pager.file.path;
  const broken = (no: number, problem: string) => corruptPage(file, no, `breaks an invariant: ${problem}`);
  /** Every reachable page, with who reaches it (for the messages). */
  const reachable = new Map<number, string>();
  let keys = 0;

  const reach = (no: number, from: string) => {
    const earlier = reachable.get(no);
    if (earlier !== undefined) throw broken(no, `it is reached twice, from ${earlier} and from ${from}`);
    if (no < META_PAGES || no >= pager.pageCount) throw broken(no, `${from} points outside the file's ${pager.pageCount} pages`);
    reachable.set(no, from);
  };

  const visit = async (no: number, depth: number, lower: Uint8Array | undefined, upper: Uint8Array | undefined, from: string): Promise<void> => {
    reach(no, from);
    const d = await pager.peek(no);
    const type = pageType(d);
    if (type !== PageType.LEAF && type !== PageType.BRANCH) throw broken(no, `${from} leads to a page of type ${type}`);
    const layout = layoutProblem(d);
    if (layout !== undefined) throw broken(no, layout);
    const n = cellCount(d);
    for (let i = 0; i < n; i++) {
      const key = keyAt(d, i);
      if (i > 0 && compareBytes(keyAt(d, i - 1), key) >= 0) throw broken(no, `key ${i} is not above key ${i - 1}`);
      if (lower !== undefined && compareBytes(key, lower) < 0) throw broken(no, `key ${i} is below the separator that leads here`);
      if (upper !== undefined && compareBytes(key, upper) >= 0) throw broken(no, `key ${i} is not below the next separator of the parent`);
    }
    if (isLeaf(d)) {
      if (depth !== tree.height - 1) throw broken(no, `a leaf at depth ${depth}, but the tree is ${tree.height} levels high`);
      if (n === 0 && depth > 0) throw broken(no, 'an empty leaf that is not the root');
      keys += n;
      for (let i = 0; i < n; i++) {
        const cell = cellAt(d, i);
        if (valueKind(d, cell) !== OVERFLOW) continue;
        await walkChain(pager, u32(d, valueStart(d, cell)), valueLength(d, cell), (page) => reach(page, `the value of key ${i} in leaf ${no}`));
      }
      return;
    }
    if (depth >= tree.height - 1) throw broken(no, `a branch at depth ${depth}, where the tree of height ${tree.height} has its leaves`);
    if (depth === 0 && n === 0) throw broken(no, 'a root branch with a single child');
    for (let j = 0; j <= n; j++) {
      const low = j === 0 ? lower : keyAt(d, j - 1);
      const high = j === n ? upper : keyAt(d, j);
      await visit(childAt(d, j), depth + 1, low, high, `child ${j} of branch ${no}`);
    }
  };

  await visit(tree.root, 0, undefined, undefined, 'the root');
  if (keys !== tree.keys) throw new KvError('CORRUPT', `${file}: breaks an invariant: the leaves hold ${keys} keys, the tree counts ${tree.keys}`);

  const free = new Set<number>();
  for (const [no, state] of pager.space.all()) {
    if (no < META_PAGES || no >= pager.pageCount) throw broken(no, `the free space (${state}) lists a page outside the file's ${pager.pageCount} pages`);
    const reacher = reachable.get(no);
    if (reacher !== undefined) throw broken(no, `it is free (${state}) and reachable, from ${reacher}`);
    if (free.has(no)) throw broken(no, `it is listed as free twice (${state})`);
    free.add(no);
  }
  for (let no = META_PAGES; no < pager.pageCount; no++) {
    if (!reachable.has(no) && !free.has(no)) throw broken(no, 'it is leaked: neither reachable nor free');
  }
}

/** What is wrong with a node's slotted layout (node-page.ts), if anything. */
function layoutProblem(d: Uint8Array): string | undefined {
  const n = cellCount(d);
  const start = u16(d, H_START);
  const garbage = u16(d, H_GARBAGE);
  if (HEADER + SLOT * n > start || start > PAGE_SIZE) return `its ${n} slots run into its cell area, which starts at ${start}`;
  let live = 0;
  for (let i = 0; i < n; i++) {
    const cell = cellAt(d, i);
    if (cell < start || cell + 2 + keyLength(d, cell) > PAGE_SIZE) return `cell ${i} lies outside the cell area`;
    const size = cellSize(d, cell);
    if (!(cell + size <= PAGE_SIZE)) return `cell ${i} runs past the end of the page`;
    live += size;
  }
  if (live + garbage !== PAGE_SIZE - start) return `its cells (${live} bytes) and garbage (${garbage}) do not fill its cell area (${PAGE_SIZE - start} bytes)`;
  return undefined;
}
