// checkHistory: the checker's entry point. Indexes the history, infers version orders, runs
// the direct checks (internal, G1a, G1b, lost update), builds the ww/wr/rw dependency graph
// and searches it for cycles; returns every anomaly with its evidence, a plain name and where
// to look (advice.ts), most actionable first, and some statistics.

import { advise, rank } from './advice.ts';
import { cycleAnomalies } from './cycles.ts';
import { formatTxn } from './format.ts';
import { buildGraph } from './graph.ts';
import { commitObservedInfo, indexHistory, type HistoryIndex } from './history-index.ts';
import { abortedReads, intermediateReads, internalAnomalies, lostUpdates } from './reads.ts';
import type { Anomaly, CheckResult, Txn } from './types.ts';
import { inferVersionOrders } from './versions.ts';

/** Direct (non-cycle) anomalies reported per name, at most, so a broken engine's history stays readable. */
export const MAX_DIRECT = 10;

function capEach(anomalies: Anomaly[], max: number): Anomaly[] {
  const count = new Map<string, number>();
  return anomalies.filter((a) => {
    const n = (count.get(a.name) ?? 0) + 1;
    count.set(a.name, n);
    return n <= max;
  });
}

function finish(history: readonly Txn[], index: HistoryIndex, found: Anomaly[], edges: CheckResult['stats']['edges']): CheckResult {
  const anomalies = rank(found);
  for (const a of anomalies) {
    Object.assign(a, advise(a));
    a.ops = a.txns.flatMap((id) => {
      const txn = index.byId.get(id);
      return txn === undefined ? [] : [formatTxn(txn)];
    });
  }
  return {
    valid: anomalies.length === 0,
    anomalies,
    stats: { txns: history.length, committed: index.committed.size, edges },
  };
}

/**
 * Checks a list-append history for isolation anomalies. A value appended twice to the same
 * key makes every inference unsound, so then only the 'duplicate-append' reports are returned.
 */
export function checkHistory(history: readonly Txn[]): CheckResult {
  const { index, duplicates } = indexHistory(history);
  if (duplicates.length > 0) return finish(history, index, capEach(duplicates, MAX_DIRECT), { ww: 0, wr: 0, rw: 0 });
  const versions = inferVersionOrders(index.reads, index);
  const orders = [...versions.orders].map(([key, list]) => ({ key, list }));
  commitObservedInfo(index, [...orders, ...index.reads.filter((read) => !versions.consistent.has(read))]);
  const direct = [
    ...internalAnomalies(index),
    ...versions.anomalies,
    ...abortedReads(index, versions),
    ...intermediateReads(index),
    ...lostUpdates(index),
  ];
  const graph = buildGraph(index, versions);
  const nodes = [...index.committed].sort((a, b) => a - b);
  const anomalies = [...capEach(direct, MAX_DIRECT), ...cycleAnomalies(graph, nodes)];
  return finish(history, index, anomalies, { ...graph.counts });
}
