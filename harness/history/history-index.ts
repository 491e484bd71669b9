// Indexes a history for the checker: who appended each value to each key (reporting a value
// appended twice), each transaction's appends per key, the committed reads, and which
// transactions count as committed ('ok', plus 'info' ones whose appends someone observed).

import type { Anomaly, ScanRange, Txn } from './types.ts';

/** One non-null read by a committed ('ok') transaction. */
export interface Read {
  txn: number;
  key: string;
  list: number[];
  /** True when the transaction had not yet appended to the key: the read shows others' writes only. */
  external: boolean;
  /** The range, when the read is one key of a scan. */
  scan?: ScanRange;
}

/** A transaction's step with scans spread into one read per key: what the checks work on. */
export type FlatOp = { f: 'append'; key: string; value: number } | { f: 'read'; key: string; value: number[] | null; scan?: ScanRange };

export interface HistoryIndex {
  byId: Map<number, Txn>;
  /** key -> value -> id of the transaction that appended it. */
  writer: Map<string, Map<number, number>>;
  /** txn id -> key -> the values it appended to that key, in order. */
  appends: Map<number, Map<string, number[]>>;
  /** Reads by 'ok' transactions, in history order; other transactions' reads are ignored. */
  reads: Read[];
  /** The 'ok' transactions, plus (after commitObservedInfo) the 'info' ones whose appends were read. */
  committed: Set<number>;
  /** txn id -> its steps, each scan spread into reads of the keys in its range that the history mentions. */
  flat: Map<number, FlatOp[]>;
}

export function writerOf(index: HistoryIndex, key: string, value: number): number | undefined {
  return index.writer.get(key)?.get(value);
}

export function statusOf(index: HistoryIndex, id: number): Txn['status'] | undefined {
  return index.byId.get(id)?.status;
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Every key the history mentions: appended, read, or found by a scan. */
function keysOf(history: readonly Txn[]): string[] {
  const keys = new Set<string>();
  for (const txn of history) {
    for (const op of txn.ops) {
      if (op.f !== 'scan') keys.add(op.key);
      else for (const key of Object.keys(op.value ?? {})) keys.add(key);
    }
  }
  return [...keys].sort();
}

/** A transaction's steps with each scan spread into reads: a key of the range it did not find reads as []. */
function flatten(txn: Txn, keys: readonly string[]): FlatOp[] {
  return txn.ops.flatMap((op): FlatOp[] => {
    if (op.f !== 'scan') return [op];
    const scan = { from: op.from, to: op.to };
    return keys.filter((key) => key >= op.from && key <= op.to).map((key) => ({ f: 'read', key, value: op.value === null ? null : (op.value[key] ?? []), scan }));
  });
}

/** Builds the index; a repeated transaction id is malformed input and throws. */
export function indexHistory(history: readonly Txn[]): { index: HistoryIndex; duplicates: Anomaly[] } {
  const index: HistoryIndex = { byId: new Map(), writer: new Map(), appends: new Map(), reads: [], committed: new Set(), flat: new Map() };
  const duplicates: Anomaly[] = [];
  const keys = keysOf(history);
  for (const txn of history) {
    if (index.byId.has(txn.id)) throw new Error(`the history has two transactions with id ${txn.id}`);
    index.byId.set(txn.id, txn);
    const ops = flatten(txn, keys);
    index.flat.set(txn.id, ops);
    const appended = new Set<string>();
    for (const op of ops) {
      if (op.f === 'append') {
        appended.add(op.key);
        getOrSet(getOrSet(index.appends, txn.id, () => new Map()), op.key, () => []).push(op.value);
        const writers = getOrSet(index.writer, op.key, () => new Map<number, number>());
        const first = writers.get(op.value);
        if (first === undefined) writers.set(op.value, txn.id);
        else {
          duplicates.push({
            name: 'duplicate-append',
            explanation: `duplicate append of value ${op.value} to key ${op.key} by txns ${first} and ${txn.id}`,
            txns: first === txn.id ? [first] : [first, txn.id],
          });
        }
      } else if (op.value !== null && txn.status === 'ok') {
        const read: Read = { txn: txn.id, key: op.key, list: op.value, external: !appended.has(op.key) };
        if (op.scan !== undefined) read.scan = op.scan;
        index.reads.push(read);
      }
    }
  }
  for (const txn of history) if (txn.status === 'ok') index.committed.add(txn.id);
  return { index, duplicates };
}

/** Counts an 'info' transaction as committed when any of its appends is in one of the `observed` lists. */
export function commitObservedInfo(index: HistoryIndex, observed: Iterable<{ key: string; list: readonly number[] }>): void {
  const unknown = [...index.byId.values()].filter((txn) => txn.status === 'info');
  if (unknown.length === 0) return;
  const seen = new Map<string, Set<number>>();
  for (const { key, list } of observed) {
    const values = getOrSet(seen, key, () => new Set<number>());
    for (const value of list) values.add(value);
  }
  for (const txn of unknown) {
    if (index.flat.get(txn.id)!.some((op) => op.f === 'append' && seen.get(op.key)?.has(op.value) === true)) index.committed.add(txn.id);
  }
}
