// Finds the cycle anomalies: G0 (ww only), G1c (ww+wr, at least one wr), G-single (exactly one
// rw), G2-item (two or more rw) and write skew (two txns, rw each way on different keys).
// Per class: Tarjan's SCCs over the allowed edge kinds, then one shortest BFS cycle per SCC.

import { describeEdge, type DependencyGraph } from './graph.ts';
import { shortestPath, shortestPathWithRw, type Budget } from './search.ts';
import { stronglyConnected } from './scc.ts';
import type { Anomaly, AnomalyName, Edge, EdgeKind } from './types.ts';

/** Cycles reported per class, at most (write skews and their G2-item twins have their own cap). */
export const MAX_CYCLES = 3;
/** Edge visits allowed per class; past it, the search stops (only pathological histories get there). */
const BUDGET = 2_000_000;

const WW: ReadonlySet<EdgeKind> = new Set(['ww']);
const WW_WR: ReadonlySet<EdgeKind> = new Set(['ww', 'wr']);
const ALL: ReadonlySet<EdgeKind> = new Set(['ww', 'wr', 'rw']);

interface CycleClass {
  name: AnomalyName;
  /** The edges the SCCs are computed over. */
  kinds: ReadonlySet<EdgeKind>;
  /** The kind of edge each candidate cycle starts with. */
  first: EdgeKind;
  /** A cycle through `edge` (for G2-item: found from it) inside `within`, or null. */
  cycle(graph: DependencyGraph, edge: Edge, within: ReadonlySet<number>, budget: Budget): Edge[] | null;
}

/** A cycle made of `edge` and the shortest path back over `kinds`, or null. */
const closeOver =
  (kinds: ReadonlySet<EdgeKind>) =>
  (graph: DependencyGraph, edge: Edge, within: ReadonlySet<number>, budget: Budget): Edge[] | null => {
    const rest = shortestPath(graph, edge.to, edge.from, kinds, within, budget);
    return rest === null ? null : [edge, ...rest];
  };

const CLASSES: CycleClass[] = [
  { name: 'G0', kinds: WW, first: 'ww', cycle: closeOver(WW) },
  { name: 'G1c', kinds: WW_WR, first: 'wr', cycle: closeOver(WW_WR) },
  { name: 'G-single', kinds: ALL, first: 'rw', cycle: closeOver(WW_WR) },
  {
    name: 'G2-item',
    kinds: ALL,
    first: 'rw',
    cycle: (graph, edge, within, budget) => {
      const rest = shortestPathWithRw(graph, edge.to, edge.from, within, budget);
      return rest === null ? null : simpleCycleWithRw([edge, ...rest], 2);
    },
  },
];

function rwCount(cycle: readonly Edge[]): number {
  return cycle.filter((e) => e.kind === 'rw').length;
}

/**
 * The BFS with an "rw seen" bit may return a closed walk that visits a node twice. Split it
 * into simple cycles and return the first with at least `minRw` rw edges, or null.
 */
function simpleCycleWithRw(walk: readonly Edge[], minRw: number): Edge[] | null {
  const stack: Edge[] = [];
  const at = new Map<number, number>();
  for (const edge of walk) {
    at.set(edge.from, stack.length);
    stack.push(edge);
    const start = at.get(edge.to);
    if (start === undefined) continue;
    const cycle = stack.splice(start);
    for (const e of cycle) at.delete(e.from);
    if (rwCount(cycle) >= minRw) return cycle;
  }
  return null;
}

function nodeSet(cycle: readonly Edge[]): string {
  return cycle
    .map((e) => e.from)
    .sort((a, b) => a - b)
    .join(',');
}

export function cycleText(cycle: readonly Edge[]): string {
  return `${cycle.map((e) => `T${e.from} -${e.kind}(${e.key})-> `).join('')}T${cycle[0]!.from}`;
}

const SUMMARY: Partial<Record<AnomalyName, string>> = {
  'G0': 'a cycle of write-write (ww) dependencies',
  'G1c': 'a cycle of ww and write-read (wr) dependencies',
  'G-single': 'a cycle with exactly one anti-dependency (rw); the other edges are ww/wr',
  'write-skew': 'two transactions, each reading a key that the other then appended to',
};

function summary(name: AnomalyName, cycle: readonly Edge[]): string {
  return SUMMARY[name] ?? `a cycle with ${rwCount(cycle)} anti-dependencies (rw)`;
}

function toAnomaly(name: AnomalyName, cycle: readonly Edge[]): Anomaly {
  return {
    name,
    explanation: `${summary(name, cycle)}: ${cycle.map(describeEdge).join('; ')}`,
    txns: cycle.map((e) => e.from),
    cycle: cycleText(cycle),
    edges: cycle.map((e) => e.kind),
    viaScan: cycle.some((e) => e.kind === 'rw' && e.scan !== undefined),
  };
}

/** Two-transaction cycles of rw edges on different keys. */
function writeSkews(graph: DependencyGraph): Edge[][] {
  const found: Edge[][] = [];
  const seen = new Set<string>();
  for (const edge of graph.edges) {
    if (found.length >= MAX_CYCLES) break;
    if (edge.kind !== 'rw') continue;
    const back = graph.out(edge.to).find((e) => e.kind === 'rw' && e.to === edge.from && e.key !== edge.key);
    if (back === undefined || seen.has(nodeSet([edge, back]))) continue;
    seen.add(nodeSet([edge, back]));
    found.push([edge, back]);
  }
  return found;
}

/** One cycle per SCC of the class's edge kinds, up to MAX_CYCLES; cycles over `skip` node sets are not new. */
function searchClass(graph: DependencyGraph, nodes: readonly number[], spec: CycleClass, skip: ReadonlySet<string>): Edge[][] {
  const found: Edge[][] = [];
  const budget: Budget = { left: BUDGET };
  const successors = (node: number) => graph.out(node).filter((e) => spec.kinds.has(e.kind)).map((e) => e.to);
  for (const component of stronglyConnected(nodes, successors)) {
    if (found.length >= MAX_CYCLES || budget.left <= 0) break;
    const within = new Set(component);
    search: for (const node of component) {
      for (const edge of graph.out(node)) {
        if (edge.kind !== spec.first || !within.has(edge.to)) continue;
        if (budget.left <= 0) break search;
        const cycle = spec.cycle(graph, edge, within, budget);
        if (cycle === null) continue;
        if (!skip.has(nodeSet(cycle))) found.push(cycle);
        break search;
      }
    }
  }
  return found;
}

/** All cycle anomalies of the committed transactions `nodes`. */
export function cycleAnomalies(graph: DependencyGraph, nodes: readonly number[]): Anomaly[] {
  const skews = writeSkews(graph);
  const skewSets = new Set(skews.map(nodeSet));
  const anomalies: Anomaly[] = [];
  for (const spec of CLASSES) {
    if (spec.name === 'G2-item') anomalies.push(...skews.map((cycle) => toAnomaly('G2-item', cycle)));
    anomalies.push(...searchClass(graph, nodes, spec, spec.name === 'G2-item' ? skewSets : new Set()).map((c) => toAnomaly(spec.name, c)));
  }
  anomalies.push(...skews.map((cycle) => toAnomaly('write-skew', cycle)));
  return anomalies;
}
