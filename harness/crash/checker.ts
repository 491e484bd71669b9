// The crash runner's judge, pure: given what a cycle did (the writes acknowledged, the writes
// in flight when the process was killed, the state it started from) and what the reopened
// store holds, it lists every key that breaks the rules: an acknowledged write lost, or a
// value that was never written (or never made durable) appearing. On stage 05, whose writes
// are durable only at a flush, also that the store as a whole holds a prefix of the history.

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
  /** What was found, in words, when it is not one key's value (the whole store). */
  foundText?: string;
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
  /**
   * Stage 05: the store must hold the state after one write of the cycle, at or after the last
   * acknowledged one (a prefix of the history, never a mix), not only a right value per key.
   */
  prefix?: boolean;
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
  if (facts.prefix === true && problems.length === 0) problems.push(...prefixProblems(facts.cycle, facts.before, ops, observed));
  return problems;
}

/** The prefix of the history a reopened store holds, or the nearest one when it holds none. */
export interface PrefixMatch {
  /** How many of the cycle's writes (in seq order) the state holds. */
  applied: number;
  /** The keys where the store differs from that state: none when it is a match. */
  differ: string[];
}

/**
 * The latest state after one of the writes from the last acknowledged one on (`ops` applied in
 * seq order to `before`) that `observed` equals; else the nearest. Each key may pass on its
 * own while the whole is a mix: a later write landed and an earlier one did not.
 */
export function matchPrefix(before: ReadonlyMap<string, string>, ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>): PrefixMatch {
  const sorted = [...ops].sort((a, b) => a.seq - b.seq);
  const state = new Map(before);
  const first = sorted.findLastIndex((op) => op.state === 'acknowledged') + 1; // writes in the earliest allowed state
  let match: PrefixMatch | undefined;
  let nearest: PrefixMatch | undefined;
  for (let applied = 0; applied <= sorted.length; applied++) {
    if (applied > 0) {
      const op = sorted[applied - 1]!;
      if (op.op === 'put') state.set(op.key, op.value!);
      else state.delete(op.key);
    }
    if (applied < first) continue;
    const differ = [...new Set([...state.keys(), ...observed.keys()])].filter((key) => state.get(key) !== observed.get(key)).sort();
    if (differ.length === 0) match = { applied, differ };
    else if (nearest === undefined || differ.length < nearest.differ.length) nearest = { applied, differ };
  }
  return match ?? nearest!;
}

/** The whole-store problem when `observed` is no prefix of the history, named by the nearest state. */
function prefixProblems(cycle: number, before: ReadonlyMap<string, string>, ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>): Problem[] {
  const nearest = matchPrefix(before, ops, observed);
  if (nearest.differ.length === 0) return [];
  const first = ops.findLastIndex((op) => op.state === 'acknowledged') + 1;
  const after = nearest.applied === 0 ? 'as the cycle started' : `after #${ops[nearest.applied - 1]!.seq}`;
  const range = first === 0 ? 'from the start of the cycle' : `from #${ops[first - 1]!.seq} (the last flushed)`;
  const shown = nearest.differ.slice(0, 3).map((key) => `${key} holds ${showValue(observed.get(key))}`);
  return [{
    cycle,
    key: '(whole store)',
    kind: 'wrong',
    expected: `the state after one write ${range} to #${ops.at(-1)?.seq ?? '—'}: a prefix of the history, never a mix`,
    found: undefined,
    foundText: `a mix; the nearest state, ${after}, differs in ${nearest.differ.length} key(s): ${shown.join(', ')}${nearest.differ.length > 3 ? ', …' : ''}`,
  }];
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
