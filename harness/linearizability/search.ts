// The Wing & Gong / Lowe (WGL) search, as in Porcupine: walk a linked list of call and return
// events, linearize any call whose model step succeeds, backtrack at a return that nothing
// linearized; memoize (linearized set, model state) pairs so no configuration is tried twice.

import type { Model } from './model.ts';
import type { Prepared } from './prepare.ts';

export type SearchResult =
  /** `order`: indices into the ops, one valid linearization. */
  | { ok: true; order: number[] }
  /** `longest`: the longest linearizable prefix the search reached (indices into the ops). */
  | { ok: false; longest: number[] }
  | { ok: 'timeout' };

/** Iterations between two looks at the clock. */
const CLOCK_EVERY = 1024;

/** Is `ops` (one key's operations) linearizable under `model`? Gives up past `deadline` (performance.now()). */
export function search<S>(ops: readonly Prepared[], model: Model<S>, deadline: number): SearchResult {
  const n = ops.length;
  // Node 0 is the head sentinel; nodes 1..2n are the events in time order. At equal times a
  // call comes first, so operations that touch count as concurrent.
  const events: { time: number; call: boolean; op: number }[] = [];
  ops.forEach((p, i) => events.push({ time: p.call, call: true, op: i }, { time: p.ret, call: false, op: i }));
  events.sort((a, b) => a.time - b.time || Number(b.call) - Number(a.call) || a.op - b.op || 0);
  const size = 2 * n + 1;
  const next = new Int32Array(size).fill(-1);
  const prev = new Int32Array(size).fill(-1);
  const opOf = new Int32Array(size);
  const isCall = new Uint8Array(size);
  const match = new Int32Array(size);
  const callNode = new Int32Array(n);
  events.forEach((e, i) => {
    const node = i + 1;
    prev[node] = i;
    next[i] = node;
    opOf[node] = e.op;
    isCall[node] = e.call ? 1 : 0;
    if (e.call) callNode[e.op] = node;
    else match[callNode[e.op]!] = node;
  });

  const lift = (c: number): void => {
    const r = match[c]!;
    next[prev[c]!] = next[c]!;
    prev[next[c]!] = prev[c]!;
    next[prev[r]!] = next[r]!;
    if (next[r]! !== -1) prev[next[r]!] = prev[r]!;
  };
  const unlift = (c: number): void => {
    const r = match[c]!;
    next[prev[r]!] = r;
    if (next[r]! !== -1) prev[next[r]!] = r;
    next[prev[c]!] = c;
    prev[next[c]!] = c;
  };

  const bits = new Uint32Array(Math.ceil(n / 32));
  const flip = (op: number): void => {
    bits[op >>> 5]! ^= 1 << (op & 31);
  };
  const seen = new Set<string>();
  const stack: { node: number; state: S }[] = [];
  let longest: number[] = [];
  let state = model.init;
  let entry = next[0]!;
  let iterations = 0;

  while (next[0]! !== -1) {
    if (++iterations % CLOCK_EVERY === 0 && performance.now() > deadline) return { ok: 'timeout' };
    if (isCall[entry] === 1) {
      const op = opOf[entry]!;
      const after = model.step(state, ops[op]!);
      if (after !== null) {
        flip(op);
        const memo = `${bits.join(',')}|${model.key(after)}`;
        if (!seen.has(memo)) {
          seen.add(memo);
          stack.push({ node: entry, state });
          if (stack.length > longest.length) longest = stack.map((s) => opOf[s.node]!);
          state = after;
          lift(entry);
          entry = next[0]!;
          continue;
        }
        flip(op);
      }
      entry = next[entry]!;
    } else {
      // A return whose call nobody linearized: this branch is dead, undo the last choice.
      const top = stack.pop();
      if (top === undefined) return { ok: false, longest };
      state = top.state;
      flip(opOf[top.node]!);
      unlift(top.node);
      entry = next[top.node]!;
    }
  }
  return { ok: true, order: stack.map((s) => opOf[s.node]!) };
}
