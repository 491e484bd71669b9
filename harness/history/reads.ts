// The checks that need no dependency graph: internal consistency (a transaction sees its own
// appends), aborted reads (G1a), intermediate reads (G1b) and lost updates (two committed
// transactions appending to a key after reading the same version of it).

import { showList } from './format.ts';
import { statusOf, writerOf, type HistoryIndex, type Read } from './history-index.ts';
import type { Anomaly } from './types.ts';
import type { VersionOrders } from './versions.ts';

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => b[i] === v);
}

function endsWith(list: readonly number[], tail: readonly number[]): boolean {
  return tail.length <= list.length && tail.every((v, i) => list[list.length - tail.length + i] === v);
}

/** Within each committed transaction, a read must reflect its earlier reads and appends of that key. */
export function internalAnomalies(index: HistoryIndex): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const txn of index.byId.values()) {
    if (txn.status !== 'ok') continue;
    const state = new Map<string, { known: number[] | null; appended: number[]; reported: boolean }>();
    for (const op of index.flat.get(txn.id)!) {
      let s = state.get(op.key);
      if (s === undefined) state.set(op.key, (s = { known: null, appended: [], reported: false }));
      if (op.f === 'append') {
        s.appended.push(op.value);
        continue;
      }
      if (op.value === null) continue;
      const own = showList(s.appended);
      let problem: string | undefined;
      if (s.known !== null && !same(op.value, [...s.known, ...s.appended])) {
        problem = `after reading ${op.key} = ${showList(s.known)}${s.appended.length > 0 ? ` and appending ${own}` : ''}, it read ${showList(op.value)}, not ${showList([...s.known, ...s.appended])}`;
      } else if (s.known === null && !endsWith(op.value, s.appended)) {
        problem = `it appended ${own} to ${op.key}, then read ${op.key} = ${showList(op.value)}, which does not end with its own append${s.appended.length > 1 ? 's' : ''}`;
      }
      if (problem !== undefined && !s.reported) {
        anomalies.push({ name: 'internal', explanation: `T${txn.id}: ${problem}`, txns: [txn.id] });
        s.reported = true;
      }
      s.known = op.value;
      s.appended = [];
    }
  }
  return anomalies;
}

/**
 * G1a: a committed transaction read a value whose writer aborted, or that nobody appended.
 * The reads that are prefixes of their key's order are checked once, through the order, and
 * each bad value is blamed on the first of them that includes it; other reads one by one.
 */
export function abortedReads(index: HistoryIndex, versions: VersionOrders): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const seen = new Set<string>();
  const check = (key: string, list: readonly number[], readerAt: (position: number) => Read) => {
    list.forEach((value, position) => {
      const writer = writerOf(index, key, value);
      if (writer !== undefined && statusOf(index, writer) !== 'fail') return;
      const read = readerAt(position);
      const id = `${read.txn}/${key}/${writer ?? `v${value}`}`;
      if (seen.has(id)) return;
      seen.add(id);
      const saw = `T${read.txn} read ${key} = ${showList(read.list)}`;
      anomalies.push(
        writer === undefined
          ? { name: 'G1a', explanation: `${saw}, but no transaction ever appended ${value} to ${key}`, txns: [read.txn] }
          : { name: 'G1a', explanation: `${saw}, which includes ${value}, appended by T${writer}, which aborted`, txns: [writer, read.txn] },
      );
    });
  };
  const consistent = new Map<string, Read[]>();
  for (const read of index.reads) {
    if (!versions.consistent.has(read)) continue;
    const list = consistent.get(read.key);
    if (list === undefined) consistent.set(read.key, [read]);
    else list.push(read);
  }
  for (const [key, order] of versions.orders) {
    const reads = consistent.get(key) ?? [];
    check(key, order, (position) => reads.find((read) => read.list.length > position)!);
  }
  for (const read of index.reads) if (!versions.consistent.has(read)) check(read.key, read.list, () => read);
  return anomalies;
}

/** G1b: a read ends in a value that is not its writer's last append to that key. */
export function intermediateReads(index: HistoryIndex): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const seen = new Set<string>();
  for (const read of index.reads) {
    const last = read.list[read.list.length - 1];
    if (last === undefined) continue;
    const writer = writerOf(index, read.key, last);
    if (writer === undefined || writer === read.txn || statusOf(index, writer) === 'fail') continue;
    const values = index.appends.get(writer)?.get(read.key) ?? [];
    const final = values[values.length - 1];
    if (final === undefined || final === last) continue;
    const id = `${read.txn}/${read.key}/${writer}`;
    if (seen.has(id)) continue;
    seen.add(id);
    anomalies.push({
      name: 'G1b',
      explanation: `T${read.txn} read ${read.key} = ${showList(read.list)}, ending in ${last}, but T${writer} appended ${showList(values)} to ${read.key}: T${read.txn} saw T${writer}'s intermediate state`,
      txns: [writer, read.txn],
    });
  }
  return anomalies;
}

/** Lost update: two committed transactions read the same version of a key (externally) and both appended to it. */
export function lostUpdates(index: HistoryIndex): Anomaly[] {
  const groups = new Map<string, { key: string; list: number[]; txns: number[] }>();
  for (const read of index.reads) {
    if (!read.external || index.appends.get(read.txn)?.get(read.key) === undefined) continue;
    const version = `${read.key}\u0000${read.list[read.list.length - 1] ?? 'empty'}`;
    const group = groups.get(version);
    if (group === undefined) groups.set(version, { key: read.key, list: read.list, txns: [read.txn] });
    else if (!group.txns.includes(read.txn)) group.txns.push(read.txn);
  }
  const anomalies: Anomaly[] = [];
  for (const { key, list, txns } of groups.values()) {
    if (txns.length < 2) continue;
    const ids = txns.map((t) => `T${t}`);
    const names = `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]} ${ids.length === 2 ? 'both' : 'all'}`;
    anomalies.push({
      name: 'lost-update',
      explanation: `${names} read ${key} = ${showList(list)} and then appended to ${key}: whichever committed later appended without seeing the other's update`,
      txns,
    });
  }
  return anomalies;
}
