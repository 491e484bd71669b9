// Turns a raw history into what the search needs: failed operations dropped, unknown outcomes
// given a return of +Infinity (unknown gets dropped: they constrain nothing), split per key.
// Also the labels the explanations use, e.g. "put x=1" and "get x → absent".

import type { Step } from './model.ts';
import type { Operation } from './types.ts';

/** An operation kept for checking, with its original record. */
export interface Prepared extends Step {
  op: Operation;
  call: number;
  /** +Infinity when the outcome is unknown. */
  ret: number;
}

/** True when `op` definitely did not take effect. */
export function failed(op: Operation): boolean {
  return op.status === 'fail' || (op.status === 'ok' && op.output?.ok === false);
}

/** True when `op` may or may not have taken effect (no usable return or output). */
export function uncertain(op: Operation): boolean {
  return op.status === 'unknown' || op.output === undefined || op.return === undefined || !Number.isFinite(op.return);
}

/** Normalizes one operation; null when it cannot affect the verdict. */
export function prepare(op: Operation): Prepared | null {
  if (failed(op)) return null;
  const unknown = uncertain(op);
  if (unknown && op.input.f === 'get') return null;
  const ret = unknown ? Infinity : (op.return as number);
  if (ret < op.call) throw new RangeError(`operation ${op.id} returns (${ret}) before its call (${op.call})`);
  let value: string | undefined;
  if (op.input.f === 'put') value = op.input.value;
  else if (op.input.f === 'get' && op.output?.ok === true) value = op.output.value;
  return { f: op.input.f, value, op, call: op.call, ret };
}

/** The history's checkable operations, per key, in order of call. */
export function partition(history: readonly Operation[]): Map<string, Prepared[]> {
  const byKey = new Map<string, Prepared[]>();
  for (const op of history) {
    const p = prepare(op);
    if (p === null) continue;
    const list = byKey.get(op.input.key);
    if (list === undefined) byKey.set(op.input.key, [p]);
    else list.push(p);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.call - b.call || a.op.id - b.op.id);
  return byKey;
}

/** A value as printed: the string itself, or "absent". */
export const showValue = (value: string | undefined): string => (value === undefined ? 'absent' : value);

/** An operation's label without its client, e.g. "put x=1", "delete x", "get x → 2". */
export function label(op: Operation): string {
  const { input } = op;
  if (input.f === 'put') return `put ${input.key}=${input.value}`;
  if (input.f === 'delete') return `delete ${input.key}`;
  if (op.output?.ok === true && !uncertain(op)) return `get ${input.key} → ${showValue(op.output.value)}`;
  return `get ${input.key}`;
}

/** An operation's label with its client and, if not ok, its outcome: "get x → 2 (client 3)". */
export function describeOp(op: Operation): string {
  const outcome = failed(op) ? ', failed' : uncertain(op) ? ', outcome unknown' : '';
  return `${label(op)} (client ${op.client}${outcome})`;
}
