// Tests of the linearizability checker (harness/linearizability): hand-written histories that
// are and are not linearizable, unknown and failed outcomes, the timeline drawing, and
// properties: simulated correct stores always pass, and a planted stale read is always caught.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkLinearizable, formatTimeline, HistoryRecorder, simulate, type CheckResult, type Input, type Operation } from '../linearizability/index.ts';

let nextId = 0;
const op = (client: number, call: number, ret: number | undefined, input: Input, value?: string, status: Operation['status'] = 'ok'): Operation => ({
  id: nextId++,
  client,
  call,
  return: status === 'unknown' ? Infinity : ret,
  input,
  output: status === 'ok' ? { ok: true, value } : status === 'fail' ? { ok: false } : undefined,
  status,
});
const put = (client: number, key: string, value: string, call: number, ret: number, status: Operation['status'] = 'ok') =>
  op(client, call, ret, { f: 'put', key, value }, undefined, status);
const get = (client: number, key: string, value: string | undefined, call: number, ret: number, status: Operation['status'] = 'ok') =>
  op(client, call, ret, { f: 'get', key }, value, status);
const del = (client: number, key: string, call: number, ret: number, status: Operation['status'] = 'ok') => op(client, call, ret, { f: 'delete', key }, undefined, status);

const failure = (result: CheckResult) => {
  if (result.ok !== false) throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  return result;
};

describe('linearizable histories, hand-written', () => {
  test('a get overlapping a put may see it or not', () => {
    expect(checkLinearizable([put(1, 'x', '1', 0, 10), get(2, 'x', '1', 2, 5)]).ok).toBe(true);
    expect(checkLinearizable([put(1, 'x', '1', 0, 10), get(2, 'x', undefined, 2, 5)]).ok).toBe(true);
  });

  test('gets see a put that is still in flight, then keep seeing it', () => {
    expect(checkLinearizable([put(1, 'x', '1', 0, 20), get(2, 'x', '1', 5, 6), get(2, 'x', '1', 7, 8)]).ok).toBe(true);
  });

  test('concurrent puts may land in either order, as long as readers agree', () => {
    const puts = [put(1, 'x', '1', 0, 10), put(2, 'x', '2', 0, 10)];
    expect(checkLinearizable([...puts, get(3, 'x', '2', 11, 12), get(3, 'x', '2', 13, 14)]).ok).toBe(true);
    expect(checkLinearizable([...puts, get(3, 'x', '1', 11, 12), get(3, 'x', '1', 13, 14)]).ok).toBe(true);
  });

  test('deletes make the key absent until the next put', () => {
    const history = [put(1, 'x', '1', 0, 1), del(1, 'x', 2, 3), get(2, 'x', undefined, 4, 5), put(1, 'x', '2', 6, 7), get(2, 'x', '2', 8, 9)];
    expect(checkLinearizable(history)).toEqual({ ok: true, keys: 1, ops: 5 });
  });

  test('keys are independent; the empty history is linearizable', () => {
    expect(checkLinearizable([put(1, 'x', '1', 0, 3), put(2, 'y', '2', 1, 2), get(3, 'y', '2', 4, 5), get(3, 'x', '1', 6, 7)])).toEqual({ ok: true, keys: 2, ops: 4 });
    expect(checkLinearizable([])).toEqual({ ok: true, keys: 0, ops: 0 });
  });
});

describe('violations, hand-written, name the key', () => {
  test('a stale read after a completed put', () => {
    const result = failure(checkLinearizable([put(1, 'x', '1', 0, 1), put(1, 'x', '2', 2, 3), get(2, 'x', '1', 4, 5)]));
    expect(result.key).toBe('x');
    expect(result.explanation).toMatch(/^Key "x" is not linearizable/);
    expect(result.explanation).toContain('client 2');
    expect(result.explanation).toContain('|--get x → 1--|');
    expect(result.explanation).toMatch(/get x → 1 \(client 2\), cannot be: it needs x = 1 there/);
  });

  test('a read of a value never written', () => {
    const result = failure(checkLinearizable([put(1, 'x', '1', 0, 1), get(2, 'x', '1', 2, 3), get(2, 'y', '9', 4, 5)]));
    expect(result.key).toBe('y');
    expect(result.explanation).toMatch(/get y → 9 \(client 2\) returned 9, but no put of 9 overlaps or precedes it: no put of 9 to y exists at all/);
  });

  test('two sequential gets seeing values in an impossible order', () => {
    const history = [put(1, 'x', '1', 0, 100), put(2, 'x', '2', 0, 100), get(3, 'x', '1', 1, 2), get(3, 'x', '2', 3, 4), get(3, 'x', '1', 5, 6)];
    const result = failure(checkLinearizable(history));
    expect(result.key).toBe('x');
    expect(result.explanation).toMatch(/leaving x = 2\. The next operation that must be placed, get x → 1 \(client 3\)/);
  });

  test('a lost write: a completed put that a later get does not see', () => {
    const result = failure(checkLinearizable([put(1, 'k', 'v', 0, 1), get(2, 'k', undefined, 2, 3)]));
    expect(result.key).toBe('k');
    expect(result.explanation).toMatch(/get k → absent \(client 2\), cannot be: it needs k absent there/);
  });

  test('the minimal prefix stops where the history first fails', () => {
    const history = [put(1, 'x', '1', 0, 1), get(2, 'x', '1', 2, 3), put(1, 'x', '2', 4, 5), get(2, 'x', '1', 6, 7), put(1, 'x', '3', 8, 9), get(2, 'x', '3', 10, 11)];
    const result = failure(checkLinearizable(history));
    expect(result.minimalPrefix?.map((o) => o.id)).toEqual(history.slice(0, 4).map((o) => o.id));
    expect(result.explanation).not.toContain('x=3');
  });
});

describe('unknown and failed outcomes', () => {
  test('a put with unknown outcome may be seen, or not, but not unseen again', () => {
    const maybe = () => put(1, 'x', '1', 0, 0, 'unknown');
    expect(checkLinearizable([maybe(), get(2, 'x', '1', 5, 6)]).ok).toBe(true);
    expect(checkLinearizable([maybe(), get(2, 'x', undefined, 5, 6)]).ok).toBe(true);
    expect(checkLinearizable([maybe(), get(2, 'x', undefined, 5, 6), get(2, 'x', '1', 7, 8)]).ok).toBe(true);
    expect(failure(checkLinearizable([maybe(), get(2, 'x', '1', 5, 6), get(2, 'x', undefined, 7, 8)])).key).toBe('x');
  });

  test('an unknown put cannot be seen before its call', () => {
    const result = failure(checkLinearizable([get(2, 'x', '1', 0, 1), put(1, 'x', '1', 2, 0, 'unknown')]));
    expect(result.explanation).toMatch(/the only put of 1, put x=1 \(client 1, outcome unknown\), started after the get had returned/);
  });

  test('a get with unknown outcome constrains nothing and is not counted', () => {
    expect(checkLinearizable([put(1, 'x', '1', 0, 1), get(2, 'x', '7', 2, 3, 'unknown')])).toEqual({ ok: true, keys: 1, ops: 1 });
  });

  test('a failed put is never seen, even while it is in flight', () => {
    expect(failure(checkLinearizable([put(1, 'x', '1', 0, 1, 'fail'), get(2, 'x', '1', 2, 3)])).key).toBe('x');
    expect(failure(checkLinearizable([put(1, 'x', '1', 0, 10, 'fail'), get(2, 'x', '1', 2, 3)])).key).toBe('x');
    expect(checkLinearizable([put(1, 'x', '1', 0, 1, 'fail'), get(2, 'x', undefined, 2, 3)])).toEqual({ ok: true, keys: 1, ops: 1 });
  });

  test('a search past its budget answers unknown', () => {
    const history = simulate({ seed: 7, clients: 8, keys: 1, ops: 3000 });
    const result = checkLinearizable(history, { timeoutMs: 0 });
    expect(result.ok).toBe('unknown');
    if (result.ok === 'unknown') expect(result.reason).toMatch(/budget of 0 ms on key\(s\) "k0"/);
  });
});

describe('HistoryRecorder and formatTimeline', () => {
  const recorded = () => {
    const h = new HistoryRecorder();
    const a = h.invoke(1, { f: 'put', key: 'x', value: '1' });
    const b = h.invoke(2, { f: 'get', key: 'x' });
    h.ok(a, { ok: true });
    h.ok(b, { ok: true, value: '1' });
    h.unknown(h.invoke(1, { f: 'delete', key: 'x' }));
    h.ok(h.invoke(1, { f: 'get', key: 'x' }), { ok: true, value: undefined });
    h.fail(h.invoke(2, { f: 'put', key: 'x', value: '3' }));
    h.invoke(3, { f: 'put', key: 'y', value: '4' });
    return h.history();
  };

  test('the recorder stamps a logical clock; unknown and pending operations never return', () => {
    const history = recorded();
    expect(history.map((o) => [o.id, o.client, o.call, o.return, o.status])).toEqual([
      [0, 1, 0, 2, 'ok'],
      [1, 2, 1, 3, 'ok'],
      [2, 1, 4, Infinity, 'unknown'],
      [3, 1, 5, 6, 'ok'],
      [4, 2, 7, 8, 'fail'],
      [5, 3, 9, Infinity, 'unknown'],
    ]);
    expect(checkLinearizable(history)).toEqual({ ok: true, keys: 2, ops: 5 });
  });

  test('the timeline keeps real-time order, one row per client, extra rows for overlaps', () => {
    expect(formatTimeline(recorded()).split('\n')).toEqual([
      'client 1  |--put x=1--|    |--delete x--?',
      '                            |--get x → absent--|',
      'client 2   |--get x → 1--|                       |--put x=3 ✗--|',
      'client 3                                                         |--put y=4--?',
    ]);
  });
});

/** Plants a stale read: a get now returns a value overwritten by an operation that completed before the get was called. */
function plantStaleRead(history: Operation[], pickIndex: number): { history: Operation[]; key: string } | null {
  const finished = (o: Operation) => o.status === 'ok' && o.output?.ok === true;
  const candidates: { at: number; value: string }[] = [];
  history.forEach((g, at) => {
    if (g.input.f !== 'get' || !finished(g)) return;
    const key = g.input.key;
    const writes = history.filter((o) => o.input.key === key && o.input.f !== 'get' && finished(o));
    for (const p of writes) {
      if (p.input.f !== 'put') continue;
      if (writes.some((o) => o !== p && p.return! < o.call && o.return! < g.call)) candidates.push({ at, value: p.input.value });
    }
  });
  if (candidates.length === 0) return null;
  const { at, value } = candidates[pickIndex % candidates.length]!;
  const planted = history.map((o, i) => (i === at ? { ...o, output: { ok: true as const, value } } : o));
  return { history: planted, key: history[at]!.input.key };
}

describe('properties', () => {
  const simulation = fc.record({
    seed: fc.integer(),
    clients: fc.integer({ min: 1, max: 6 }),
    keys: fc.integer({ min: 1, max: 4 }),
    ops: fc.integer({ min: 1, max: 80 }),
    failRate: fc.constantFrom(0, 0.1),
    unknownRate: fc.constantFrom(0, 0.1),
  });

  test('histories of a correct store under random interleavings are linearizable', () => {
    fc.assert(
      fc.property(simulation, (options) => {
        const result = checkLinearizable(simulate(options));
        expect(result).toMatchObject({ ok: true });
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  test('a planted stale read is always caught, on its key', () => {
    let planted = 0;
    fc.assert(
      fc.property(simulation, fc.nat(), (options, pickIndex) => {
        const stale = plantStaleRead(simulate({ ...options, ops: options.ops + 20 }), pickIndex);
        if (stale === null) return;
        planted++;
        const result = failure(checkLinearizable(stale.history));
        expect(result.key).toBe(stale.key);
      }),
      { seed: 1, numRuns: 300 },
    );
    expect(planted).toBeGreaterThan(150);
  });

  test('scale: 2,000 operations on 10 keys from 8 clients check in well under a second', () => {
    const history = simulate({ seed: 42, clients: 8, keys: 10, ops: 2000, failRate: 0.05, unknownRate: 0.05 });
    const started = performance.now();
    const result = checkLinearizable(history);
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: true, keys: 10 });
    expect(elapsed).toBeLessThan(500);
  });
});
