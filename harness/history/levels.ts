// Which anomalies an isolation level forbids. Serializable forbids every one. Snapshot
// isolation permits exactly the cycles that contain two consecutive anti-dependencies (rw
// edges), write skew being the shortest: Fekete et al. proved that every cycle an SI engine
// can produce has such a pair, so any other anomaly is a bug of the engine.

import type { Anomaly, EdgeKind } from './types.ts';

export type IsolationLevel = 'snapshot' | 'serializable';

/** Whether a cycle (its edge kinds in order, wrapping around) has two rw edges in a row. */
export function hasConsecutiveRw(edges: readonly EdgeKind[]): boolean {
  return edges.some((kind, i) => kind === 'rw' && edges[(i + 1) % edges.length] === 'rw');
}

/** The anomalies `level` does NOT permit: what a checker run should fail on. */
export function forbiddenUnder(level: IsolationLevel, anomalies: readonly Anomaly[]): Anomaly[] {
  if (level === 'serializable') return [...anomalies];
  return anomalies.filter((a) => !((a.name === 'G2-item' || a.name === 'write-skew') && a.edges !== undefined && hasConsecutiveRw(a.edges)));
}
