// The history checker's public API: an Elle-style checker of list-append transaction
// histories (checkHistory), which anomalies an isolation level forbids (forbiddenUnder), and a
// learner-friendly explanation of an anomaly (formatAnomaly).

export { checkHistory } from './check.ts';
export { formatAnomaly, formatTxn } from './format.ts';
export { forbiddenUnder, hasConsecutiveRw, type IsolationLevel } from './levels.ts';
export type { Anomaly, AnomalyName, CheckResult, Edge, EdgeKind, MicroOp, Txn, TxnStatus } from './types.ts';
