// The data model of the transactional history checker: list-append transactions (as in Elle),
// the dependency edges inferred between committed transactions, and the anomalies reported.

/** One step of a transaction: append a value to a key's list, read the whole list, or scan a range of keys. */
export type MicroOp =
  | { f: 'append'; key: string; value: number }
  /** The list read, in order; null when not observed (a failed or unknown transaction). */
  | { f: 'read'; key: string; value: number[] | null }
  /**
   * A scan of the keys from `from` to `to`, both included: the lists of the keys it found (a key
   * it did not find reads as []); null when not observed. The checker reads it as one read per
   * key of the range that the history mentions, and words its evidence as a scan.
   */
  | { f: 'scan'; from: string; to: string; value: Record<string, number[]> | null };

/** A scanned range, both ends included. */
export interface ScanRange {
  from: string;
  to: string;
}

/** 'ok': committed. 'fail': known aborted. 'info': unknown, may or may not have committed. */
export type TxnStatus = 'ok' | 'fail' | 'info';

export interface Txn {
  id: number;
  process: number;
  status: TxnStatus;
  ops: MicroOp[];
  /** Real-time bounds; accepted but not used (no strict/real-time anomalies are checked). */
  invoke?: number;
  complete?: number;
}

export type AnomalyName =
  | 'G0'
  | 'G1a'
  | 'G1b'
  | 'G1c'
  | 'G-single'
  | 'G2-item'
  | 'lost-update'
  | 'write-skew'
  | 'incompatible-order'
  | 'internal'
  | 'duplicate-append';

export interface Anomaly {
  name: AnomalyName;
  /** What was observed, in words, with the values involved. */
  explanation: string;
  /** The transactions involved; for a cycle, in cycle order. */
  txns: number[];
  /** For a cycle anomaly, e.g. "T3 -rw(x)-> T7 -wr(y)-> T3". */
  cycle?: string;
  /** For a cycle anomaly, the kinds of its edges in cycle order, e.g. ['rw', 'wr']. */
  edges?: EdgeKind[];
  /** The involved transactions written compactly, e.g. "T3 [r x [1 2] · a y 5]" (filled by checkHistory). */
  ops?: string[];
  /** For a cycle anomaly: whether one of its rw edges comes from a scan (a predicate, not an item). */
  viaScan?: boolean;
  /** For incompatible-order: the lists part where two committed transactions each appended to the same version. */
  replaced?: boolean;
  /** The anomaly in words a learner can act on, e.g. "lost update" (filled by checkHistory; see advice.ts). */
  label?: string;
  /** Where to look in the engine, e.g. "check first-committer-wins…" (filled by checkHistory). */
  check?: string;
}

/** ww: write-write, wr: write-read (read the other's write), rw: read-write (anti-dependency). */
export type EdgeKind = 'ww' | 'wr' | 'rw';

/** A dependency: `to` must come after `from` in any serial order. Evidence is kept as data; graph.ts words it. */
export interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
  key: string;
  /** ww: the element `to` appended; wr: the last element read (appended by `from`); rw: the element `to` appended. */
  value: number;
  /** ww: the element `from` appended just before `value`. */
  previous?: number;
  /** wr and rw: the list that was read. */
  read?: readonly number[];
  /** wr and rw: the range, when the read was part of a scan. */
  scan?: ScanRange;
}

export interface CheckResult {
  valid: boolean;
  anomalies: Anomaly[];
  stats: { txns: number; committed: number; edges: { ww: number; wr: number; rw: number } };
}
