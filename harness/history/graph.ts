// The dependency graph between committed transactions: ww (consecutive appends in a key's
// version order), wr (read another's append as the last element) and rw (read a version that
// another's append directly overwrote). Self-dependencies are ignored.

import { showList, showRange } from './format.ts';
import { writerOf, type HistoryIndex } from './history-index.ts';
import type { Edge, EdgeKind } from './types.ts';
import type { VersionOrders } from './versions.ts';

export class DependencyGraph {
  readonly edges: Edge[] = [];
  readonly counts: Record<EdgeKind, number> = { ww: 0, wr: 0, rw: 0 };
  private readonly outgoing = new Map<number, Edge[]>();
  private readonly seen = new Set<string>();

  /** Adds an edge unless it is a self-edge or the same (from, to, kind, key) is already there. */
  add(edge: Edge): void {
    const id = `${edge.from}>${edge.to}:${edge.kind}:${edge.key}`;
    if (edge.from === edge.to || this.seen.has(id)) return;
    this.seen.add(id);
    this.edges.push(edge);
    this.counts[edge.kind]++;
    const list = this.outgoing.get(edge.from);
    if (list === undefined) this.outgoing.set(edge.from, [edge]);
    else list.push(edge);
  }

  out(node: number): readonly Edge[] {
    return this.outgoing.get(node) ?? [];
  }
}

/**
 * One sentence of evidence for an edge, e.g. "T2 read x = [1 2], whose last element 2 T1
 * appended"; a read that was part of a scan is said as one: "T2's scan of x…z found no y".
 */
export function describeEdge(edge: Edge): string {
  const list = edge.read ?? [];
  const saw = (reader: number) =>
    edge.scan === undefined
      ? `T${reader} read ${edge.key} = ${showList(list)}`
      : `T${reader}'s scan of ${showRange(edge.scan)} found ${list.length === 0 ? `no ${edge.key}` : `${edge.key} = ${showList(list)}`}`;
  switch (edge.kind) {
    case 'ww':
      return `T${edge.from} appended ${edge.previous} to ${edge.key}, and T${edge.to} appended ${edge.value}, the next committed element of ${edge.key}`;
    case 'wr':
      return `${saw(edge.to)}, whose last element ${edge.value} T${edge.from} appended`;
    case 'rw':
      if (edge.scan !== undefined) return `${saw(edge.from)}, and T${edge.to} appended ${edge.value} to ${edge.key}, inside that range, after what T${edge.from} saw`;
      return `${saw(edge.from)}, and T${edge.to} appended ${edge.value}, the next element of ${edge.key} after what T${edge.from} saw`;
  }
}

export function buildGraph(index: HistoryIndex, versions: VersionOrders): DependencyGraph {
  const graph = new DependencyGraph();
  const committedWriter = (key: string, value: number): number | undefined => {
    const writer = writerOf(index, key, value);
    return writer !== undefined && index.committed.has(writer) ? writer : undefined;
  };

  for (const [key, order] of versions.orders) {
    let prev: { writer: number; value: number } | undefined;
    for (const value of order) {
      const writer = committedWriter(key, value);
      if (writer === undefined) continue;
      if (prev !== undefined && prev.writer !== writer) {
        graph.add({ from: prev.writer, to: writer, kind: 'ww', key, value, previous: prev.value });
      }
      prev = { writer, value };
    }
  }

  for (const read of index.reads) {
    if (!read.external) continue; // a read after the txn's own append shows its own writes
    const last = read.list[read.list.length - 1];
    const lastWriter = last === undefined ? undefined : committedWriter(read.key, last);
    if (last !== undefined && lastWriter !== undefined) {
      graph.add({ from: lastWriter, to: read.txn, kind: 'wr', key: read.key, value: last, read: read.list, ...(read.scan && { scan: read.scan }) });
    }
    if (!versions.consistent.has(read)) continue;
    // The next committed element after what was read, skipping the rest of the appends of the
    // writer the read ended in (reading its intermediate state is G1b, not an anti-dependency).
    const order = versions.orders.get(read.key) ?? [];
    for (let i = read.list.length; i < order.length; i++) {
      const value = order[i]!;
      const writer = committedWriter(read.key, value);
      if (writer === undefined || writer === lastWriter) continue;
      if (writer !== read.txn) graph.add({ from: read.txn, to: writer, kind: 'rw', key: read.key, value, read: read.list, ...(read.scan && { scan: read.scan }) });
      break;
    }
  }
  return graph;
}
