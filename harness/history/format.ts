// Human-readable output of the history checker: transactions written compactly, and a
// multi-line explanation of an anomaly for a learner (what it is, the cycle, the evidence).

import type { Anomaly, AnomalyName, MicroOp, Txn } from './types.ts';

/** A list as the checker prints it: [1 2 3]; a long one abbreviated, [1 2 3 … 46 47 48 49 50]. */
export function showList(list: readonly number[]): string {
  if (list.length <= 10) return `[${list.join(' ')}]`;
  return `[${list.slice(0, 3).join(' ')} … ${list.slice(-5).join(' ')}]`;
}

function showOp(op: MicroOp): string {
  if (op.f === 'append') return `a ${op.key} ${op.value}`;
  if (op.f === 'read') return `r ${op.key} ${op.value === null ? '?' : showList(op.value)}`;
  const found = op.value === null ? '?' : `{${Object.entries(op.value).map(([key, list]) => `${key} ${showList(list)}`).join(', ')}}`;
  return `s ${op.from}…${op.to} ${found}`;
}

/** A range as the checker prints it: k1…k3 (both ends included). */
export const showRange = (range: { from: string; to: string }) => `${range.from}…${range.to}`;

/** "T3 [r x [1 2] · a y 5 · s x…z {x [1 2]}]", with " (fail)" or " (info)" when it did not commit for sure. */
export function formatTxn(txn: Txn): string {
  const status = txn.status === 'ok' ? '' : ` (${txn.status})`;
  return `T${txn.id} [${txn.ops.map(showOp).join(' · ')}]${status}`;
}

/** What each anomaly means, in one sentence. */
export const MEANING: Record<AnomalyName, string> = {
  'G0': 'write cycle: the transactions\' appends interleave, so no serial order puts all of one before the other.',
  'G1a': 'aborted read: a committed transaction saw a value that was never committed (its writer aborted, or nobody wrote it).',
  'G1b': 'intermediate read: a committed transaction saw a state in the middle of another transaction, not its final one.',
  'G1c': 'circular information flow: each transaction in the cycle saw or overwrote the effects of the one before it, without any anti-dependency.',
  'G-single': 'read skew: a cycle with exactly one anti-dependency (rw): a transaction missed a write that the rest of the cycle says it must have seen.',
  'G2-item': 'anti-dependency cycle: a cycle with two or more rw edges; each transaction in it acted on data another one overwrote, so no serial order explains the reads.',
  'lost-update': 'lost update: two committed transactions read the same version of a key and both appended to it, each unaware of the other\'s update.',
  'write-skew': 'write skew: two transactions each read what the other overwrote, on different keys; snapshot isolation allows it, serializability does not.',
  'incompatible-order': 'incompatible order: two reads of a key disagree about the order of its elements, so a list cannot have grown by appends to give both.',
  'internal': 'internal inconsistency: a transaction did not see its own earlier appends (or its own earlier read) on a later read of the same key.',
  'duplicate-append': 'duplicate append: the same value was appended to the same key twice, so the checker cannot tell whose write a read saw.',
};

/**
 * A multi-line explanation: the anomaly's plain name and meaning, where to look, the cycle, the
 * evidence, and every transaction the evidence names.
 */
export function formatAnomaly(a: Anomaly): string {
  // MEANING starts with the anomaly's plain name, which the label says already.
  const lines = [a.label === undefined ? `${a.name}: ${MEANING[a.name]}` : `${a.label}: ${MEANING[a.name].replace(/^[^:]+: /, '')}`];
  if (a.check !== undefined) lines.push(`  look at: ${a.check}`);
  if (a.cycle !== undefined) lines.push(`  cycle: ${a.cycle}`);
  lines.push(`  evidence: ${a.explanation}`);
  lines.push('  txns:');
  const txns = a.ops ?? a.txns.map((id) => `T${id}`);
  for (const txn of txns) lines.push(`    ${txn}`);
  return lines.join('\n');
}
