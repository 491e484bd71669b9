// Infers each key's version order: the longest read of the key by a committed transaction.
// Every other read must be a prefix of it; a read that is not (or that lists a value twice)
// is reported as 'incompatible-order' and takes no part in the anti-dependency (rw) edges.

import { showList } from './format.ts';
import { statusOf, writerOf, type HistoryIndex, type Read } from './history-index.ts';
import type { Anomaly } from './types.ts';

/** Incompatible reads reported per key, at most. */
const MAX_PER_KEY = 3;

export interface VersionOrders {
  /** key -> the inferred order of its elements. */
  orders: Map<string, number[]>;
  /** The reads that are a prefix of their key's order. */
  consistent: Set<Read>;
  anomalies: Anomaly[];
}

function isPrefix(prefix: readonly number[], list: readonly number[]): boolean {
  return prefix.length <= list.length && prefix.every((v, i) => list[i] === v);
}

function repeated(list: readonly number[]): number | undefined {
  const seen = new Set<number>();
  for (const v of list) {
    if (seen.has(v)) return v;
    seen.add(v);
  }
  return undefined;
}

/**
 * Where two reads of a key part: the common prefix, the element each has next, and who appended
 * those two. When both appenders committed, each built on the same version and one list
 * replaced the other: in a store that keeps each list as one value, a lost update.
 */
function parting(index: HistoryIndex, key: string, read: Read, other: Read): { text: string; writers: number[]; replaced: boolean } {
  let at = 0;
  while (at < read.list.length && read.list[at] === other.list[at]) at++;
  const [mine, theirs] = [read.list[at], other.list[at]];
  if (mine === undefined || theirs === undefined) return { text: '', writers: [], replaced: false };
  const who = (value: number) => writerOf(index, key, value);
  const [w1, w2] = [who(mine), who(theirs)];
  const name = (writer: number | undefined, value: number) => (writer === undefined ? `no transaction appended ${value}` : `T${writer} appended ${value}`);
  const replaced = w1 !== undefined && w2 !== undefined && w1 !== w2 && statusOf(index, w1) === 'ok' && statusOf(index, w2) === 'ok';
  const text =
    `; the lists part after ${showList(read.list.slice(0, at))}, where ${name(w1, mine)} and ${name(w2, theirs)}` +
    (replaced ? `: both built on that version and both committed, so one list replaced the other` : '');
  return { text, writers: [w1, w2].filter((w): w is number => w !== undefined), replaced };
}

export function inferVersionOrders(reads: readonly Read[], index: HistoryIndex): VersionOrders {
  const byKey = new Map<string, Read[]>();
  for (const read of reads) {
    const list = byKey.get(read.key);
    if (list === undefined) byKey.set(read.key, [read]);
    else list.push(read);
  }
  const result: VersionOrders = { orders: new Map(), consistent: new Set(), anomalies: [] };
  for (const [key, keyReads] of byKey) {
    const reported: Anomaly[] = [];
    const report = (a: Anomaly) => {
      if (reported.length < MAX_PER_KEY) reported.push(a);
    };
    // The longest read without a repeated value (a stable sort keeps the earliest among equals);
    // a prefix of it cannot repeat a value either, so only the other reads need that check.
    const longest = [...keyReads].sort((a, b) => b.list.length - a.list.length).find((read) => repeated(read.list) === undefined);
    if (longest !== undefined) result.orders.set(key, longest.list);
    const seen = new Set<string>();
    for (const read of keyReads) {
      if (longest !== undefined && isPrefix(read.list, longest.list)) {
        result.consistent.add(read);
        continue;
      }
      const id = read.list.join(',');
      if (seen.has(id)) continue;
      seen.add(id);
      const twice = repeated(read.list);
      const text = showList(read.list);
      if (twice !== undefined || longest === undefined) {
        const explanation = `T${read.txn} read ${key} = ${text}, which lists ${twice} twice; appends of distinct values cannot produce that`;
        report({ name: 'incompatible-order', explanation, txns: [read.txn] });
        continue;
      }
      const part = parting(index, key, read, longest);
      report({
        name: 'incompatible-order',
        explanation:
          `T${read.txn} read ${key} = ${text} but T${longest.txn} read ${key} = ${showList(longest.list)}` +
          (part.text === '' ? '; a list that only grows by appends would make one of them a prefix of the other' : part.text),
        txns: [...new Set([read.txn, longest.txn, ...part.writers])],
        replaced: part.replaced,
      });
    }
    result.anomalies.push(...reported);
  }
  return result;
}
