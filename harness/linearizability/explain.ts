// Explains why one key's history is not linearizable: shrinks it to the shortest prefix in time
// that already fails, draws that as a timeline, and says in one sentence why no order works
// (a read of a value no earlier or overlapping put wrote, or where the longest order gets stuck).

import { registerModel, type Register } from './model.ts';
import { describeOp, type Prepared } from './prepare.ts';
import { search } from './search.ts';
import { formatTimeline } from './timeline.ts';
import type { Operation } from './types.ts';

/** Operations drawn in an explanation's timeline, at most (the latest ones: the violation is at the end). */
const MAX_DRAWN = 30;
/** Operations of the longest working order spelled out, at most (the latest ones). */
const MAX_SPELLED = 6;

/** What `ops` looked like at time `t`: later calls gone, operations still in flight made unknown. */
export function truncate(ops: readonly Prepared[], t: number): Prepared[] {
  const kept: Prepared[] = [];
  for (const p of ops) {
    if (p.call > t) continue;
    if (p.ret <= t) kept.push(p);
    else if (p.f !== 'get') kept.push({ ...p, ret: Infinity, op: { ...p.op, return: Infinity, output: undefined, status: 'unknown' } });
  }
  return kept;
}

/**
 * The shortest truncation of a non-linearizable `ops` that is still not linearizable (failing
 * is monotone in time, so a binary search over event times finds it); null past the deadline.
 */
export function minimalPrefix(ops: readonly Prepared[], deadline: number): Prepared[] | null {
  const times = [...new Set(ops.flatMap((p) => [p.call, p.ret]).filter(Number.isFinite))].sort((a, b) => a - b);
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const result = search(truncate(ops, times[mid]!), registerModel, deadline);
    if (result.ok === 'timeout') return null;
    if (result.ok) lo = mid + 1;
    else hi = mid;
  }
  return truncate(ops, times[lo] ?? Infinity);
}

/** A read of a value that no put overlapping or preceding it wrote, described; null if none. */
function impossibleRead(key: string, ops: readonly Prepared[], all: readonly Prepared[]): string | null {
  for (const g of ops) {
    if (g.f !== 'get' || g.value === undefined) continue;
    const v = g.value;
    const writes = (list: readonly Prepared[]) => list.filter((p) => p.f === 'put' && p.value === v);
    if (writes(ops).some((p) => p.call <= g.ret)) continue;
    const later = writes(all).find((p) => p.call > g.ret);
    const why = later === undefined ? `no put of ${v} to ${key} exists at all` : `the only put of ${v}, ${describeOp(later.op)}, started after the get had returned`;
    return `${describeOp(g.op)} returned ${v}, but no put of ${v} overlaps or precedes it: ${why}.`;
  }
  return null;
}

/** Where the longest order the search found gets stuck, described. */
function stuckAt(key: string, ops: readonly Prepared[], longest: readonly number[]): string {
  let state: Register = registerModel.init;
  for (const i of longest) state = registerModel.step(state, ops[i]!) ?? state;
  const placed = new Set(longest);
  const rest = ops.map((p, i) => ({ p, i })).filter(({ i }) => !placed.has(i));
  rest.sort((a, b) => a.p.ret - b.p.ret || a.p.call - b.p.call);
  const stuck = rest[0]!.p;
  const shown = longest.slice(-MAX_SPELLED).map((i) => describeOp(ops[i]!.op));
  const skipped = longest.length - shown.length;
  const order =
    longest.length === 0
      ? `No operation can even go first (${key} starts absent).`
      : `The longest order that works is: ${skipped > 0 ? `… ${skipped} earlier operation(s), then ` : ''}${shown.join(', then ')} — leaving ${registerModel.describe(state, key)}.`;
  const cannot =
    stuck.f === 'get' && registerModel.step(state, stuck) === null
      ? `it needs ${registerModel.describe(stuck.value, key)} there, and no other order of the operations before it gets that.`
      : 'placing it there (or anything else first) leaves some later read impossible.';
  return `${order} The next operation that must be placed, ${describeOp(stuck.op)}, cannot be: ${cannot}`;
}

/** The learner-facing explanation of why `ops` (one key's operations) is not linearizable. */
export function explain(key: string, ops: readonly Prepared[], deadline: number): { explanation: string; minimalPrefix?: Operation[] } {
  const prefix = minimalPrefix(ops, deadline);
  const shown = prefix ?? [...ops];
  const result = search(shown, registerModel, deadline);
  const sentence =
    impossibleRead(key, shown, ops) ??
    (result.ok === false ? stuckAt(key, shown, result.longest) : 'The search ran out of time explaining it; the operations are above.');
  const drawn = shown.slice(-MAX_DRAWN).map((p) => p.op);
  const note = drawn.length < shown.length ? `(the last ${drawn.length} of ${shown.length} operations)\n` : '';
  const scope = prefix === null ? 'its operations' : 'its operations up to the moment it first fails';
  const explanation = [
    `Key ${JSON.stringify(key)} is not linearizable: no single order of its operations both respects real time (an operation that returned before another was called comes first) and lets every get see the latest put or delete.`,
    `Timeline of ${scope}:`,
    note + formatTimeline(drawn),
    sentence,
  ].join('\n');
  return prefix === null ? { explanation } : { explanation, minimalPrefix: prefix.map((p) => p.op) };
}
