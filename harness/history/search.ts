// Breadth-first searches for shortest cycles inside one strongly connected component: a path
// over chosen edge kinds, and a path that must use at least one rw edge (a BFS over the
// component's nodes doubled by "rw seen yet"). Each search is O(edges of the component).

import type { DependencyGraph } from './graph.ts';
import type { Edge, EdgeKind } from './types.ts';

/** A shared allowance of edge visits, so a pathological history cannot make the search quadratic forever. */
export interface Budget {
  left: number;
}

/** How the search reached a state: the edge taken and the state it left from. */
type Step = { edge: Edge; prev: number };

/** The shortest path from `from` to `to` over edges of `kinds` inside `within`, or null. */
export function shortestPath(
  graph: DependencyGraph,
  from: number,
  to: number,
  kinds: ReadonlySet<EdgeKind>,
  within: ReadonlySet<number>,
  budget: Budget,
): Edge[] | null {
  const via = new Map<number, Step>();
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    const edges = graph.out(current);
    budget.left -= edges.length;
    for (const edge of edges) {
      if (!kinds.has(edge.kind) || !within.has(edge.to) || via.has(edge.to) || edge.to === from) continue;
      via.set(edge.to, { edge, prev: current });
      if (edge.to === to) return unwind(via, from, to);
      queue.push(edge.to);
    }
  }
  return null;
}

/** The shortest path from `from` to `to` inside `within` that uses at least one rw edge, or null. */
export function shortestPathWithRw(
  graph: DependencyGraph,
  from: number,
  to: number,
  within: ReadonlySet<number>,
  budget: Budget,
): Edge[] | null {
  // A state is a node and whether an rw edge was taken yet: node * 2 + bit (ids are safe integers).
  const state = (node: number, rw: boolean) => node * 2 + (rw ? 1 : 0);
  const start = state(from, false);
  const goal = state(to, true);
  const via = new Map<number, Step>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head]!;
    const rwSeen = current % 2 !== 0;
    const edges = graph.out((current - (rwSeen ? 1 : 0)) / 2);
    budget.left -= edges.length;
    for (const edge of edges) {
      if (!within.has(edge.to)) continue;
      const next = state(edge.to, rwSeen || edge.kind === 'rw');
      if (via.has(next) || next === start) continue;
      via.set(next, { edge, prev: current });
      if (next === goal) return unwind(via, start, goal);
      queue.push(next);
    }
  }
  return null;
}

function unwind(via: Map<number, Step>, start: number, goal: number): Edge[] {
  const path: Edge[] = [];
  for (let at = goal; at !== start; ) {
    const step = via.get(at)!;
    path.push(step.edge);
    at = step.prev;
  }
  return path.reverse();
}
