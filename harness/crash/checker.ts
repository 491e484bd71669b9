// The crash runner's judge, pure: given what a cycle did (the writes acknowledged, the writes
// in flight when the process was killed, the state it started from) and what the reopened
// store holds, it lists every key that breaks the rules: an acknowledged write lost, or a
// value that was never written (or never made durable) appearing.

import type { Op } from './protocol.ts';

/**
 * How a key is judged after a crash.
 * - 'latest': it holds its latest acknowledged value (absent after an acknowledged delete),
 *   or the new value of a later write that was in flight.
 * - 'any-acknowledged': it holds some value it was ever acknowledged with, or an in-flight
 *   one (the bank before transactions: each put is safe, a transfer is not atomic).
 */
export type CheckRule = 'latest' | 'any-acknowledged';

/**
 * 'acknowledged': its promise (stage 03: the save after it) resolved. 'in-flight': started
 * and not acknowledged: it may or may not have landed. 'not-durable': applied in memory
 * only (stage 03, no save asked for yet): it must not appear.
 */
export type OpState = 'acknowledged' | 'in-flight' | 'not-durable';

export interface TrackedOp extends Op {
  state: OpState;
}

export interface Problem {
  cycle: number;
  key: string;
  /** 'lost': an acknowledged write or delete is not there. 'wrong': a value that should not be. */
  kind: 'lost' | 'wrong';
  /** What the key may hold, in words. */
  expected: string;
  /** What it holds; undefined when absent. */
  found: string | undefined;
}

export interface CycleFacts {
  cycle: number;
  /** The store's content when the cycle started (what the previous check found). */
  before: ReadonlyMap<string, string>;
  /** The cycle's writes, in any order. */
  ops: readonly TrackedOp[];
  /** The reopened store's content. */
  observed: ReadonlyMap<string, string>;
  rule?: CheckRule;
  /** Values written to each key in earlier cycles: tells a stale value from one never written. */
  earlierWritten?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Values acknowledged for each key in earlier cycles ('any-acknowledged'). */
  earlierAcknowledged?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A value shown in a message: quoted, and cut short when long. */
export function showValue(value: string | undefined): string {
  if (value === undefined) return 'absent';
  if (value.length <= 28) return JSON.stringify(value);
  return `${JSON.stringify(`${value.slice(0, 24)}…`)} (${value.length} bytes)`;
}

const outcome = (op: Op): string | undefined => (op.op === 'put' ? op.value : undefined);
const describe = (op: TrackedOp) => `from ${op.op} #${op.seq}, ${op.state === 'in-flight' ? 'in flight' : op.state}`;

export function checkCycle(facts: CycleFacts): Problem[] {
  const { before, observed } = facts;
  const ops = [...facts.ops].sort((a, b) => a.seq - b.seq);
  const keys = new Set([...before.keys(), ...ops.map((op) => op.key), ...observed.keys()]);
  const problems: Problem[] = [];
  for (const key of [...keys].sort()) {
    const mine = ops.filter((op) => op.key === key);
    const found = observed.get(key);
    const judged = facts.rule === 'any-acknowledged' ? anyAcknowledged(facts, key, mine) : latest(before.get(key), mine);
    if (judged.allowed.has(found)) continue;
    problems.push({ cycle: facts.cycle, key, kind: classify(facts, key, mine, found), expected: judged.expected, found });
  }
  return problems;
}

interface Judgement {
  allowed: Set<string | undefined>;
  expected: string;
}

function latest(before: string | undefined, mine: TrackedOp[]): Judgement {
  const lastAcknowledged = mine.findLast((op) => op.state === 'acknowledged');
  const base = lastAcknowledged === undefined ? before : outcome(lastAcknowledged);
  const baseText = lastAcknowledged !== undefined
    ? `${showValue(base)} ${describe(lastAcknowledged)}`
    : `${showValue(base)} ${before === undefined ? '(never written)' : 'as the cycle started'}`;
  const later = mine.filter((op) => op.state === 'in-flight' && op.seq > (lastAcknowledged?.seq ?? -Infinity));
  return {
    allowed: new Set([base, ...later.map(outcome)]),
    expected: [baseText, ...later.map((op) => `${showValue(outcome(op))} ${describe(op)}`)].join(' or '),
  };
}

function anyAcknowledged(facts: CycleFacts, key: string, mine: TrackedOp[]): Judgement {
  const before = facts.before.get(key);
  const acknowledged = new Set<string | undefined>(facts.earlierAcknowledged?.get(key));
  if (before !== undefined) acknowledged.add(before);
  for (const op of mine) if (op.state === 'acknowledged') acknowledged.add(outcome(op));
  const everHeld = [...acknowledged].filter((value) => value !== undefined).length;
  if (everHeld === 0) acknowledged.add(undefined); // never acknowledged: absent is fine
  const inFlight = mine.filter((op) => op.state === 'in-flight');
  const allowed = new Set([...acknowledged, ...inFlight.map(outcome)]);
  const lastAcknowledged = mine.findLast((op) => op.state === 'acknowledged');
  const latestText = lastAcknowledged !== undefined ? `${showValue(outcome(lastAcknowledged))} ${describe(lastAcknowledged)}` : showValue(before);
  return {
    allowed,
    expected: everHeld === 0
      ? `absent (never acknowledged)${inFlight.length > 0 ? ' or an in-flight value' : ''}`
      : `one of the ${everHeld} value(s) it was acknowledged with (latest ${latestText})${inFlight.length > 0 ? ' or an in-flight value' : ''}`,
  };
}

/** Absent or an older value: an acknowledged write is lost. Anything else should not be there. */
function classify(facts: CycleFacts, key: string, mine: TrackedOp[], found: string | undefined): Problem['kind'] {
  if (found === undefined) return 'lost';
  if (facts.rule === 'any-acknowledged') return 'wrong'; // every acknowledged value was allowed
  const notDurable = mine.some((op) => op.state === 'not-durable' && op.value === found);
  const durable = mine.some((op) => op.state !== 'not-durable' && op.value === found);
  const earlier = facts.before.get(key) === found || (facts.earlierWritten?.get(key)?.has(found) ?? false);
  return (earlier || durable) && !notDurable ? 'lost' : 'wrong';
}
