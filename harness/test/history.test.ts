// Unit tests of the Elle-style history checker (harness/history): one hand-written history per
// anomaly, valid serial histories, the cycle search on hand-made graphs, and properties: serial
// histories are always valid, and a stale read planted in one is always caught.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cycleAnomalies } from '../history/cycles.ts';
import { DependencyGraph } from '../history/graph.ts';
import { checkHistory, forbiddenUnder, hasConsecutiveRw, formatAnomaly, type Anomaly, type MicroOp, type Txn, type TxnStatus } from '../history/index.ts';

const r = (key: string, value: number[] | null): MicroOp => ({ f: 'read', key, value });
const s = (from: string, to: string, value: Record<string, number[]> | null): MicroOp => ({ f: 'scan', from, to, value });
const a = (key: string, value: number): MicroOp => ({ f: 'append', key, value });
const txn = (status: TxnStatus) => (id: number, ...ops: MicroOp[]): Txn => ({ id, process: id, status, ops });
const ok = txn('ok');
const fail = txn('fail');
const info = txn('info');

const names = (anomalies: Anomaly[]) => anomalies.map((x) => x.name);
const only = (history: Txn[]) => {
  const result = checkHistory(history);
  expect(result.valid).toBe(false);
  return result.anomalies;
};

describe('each anomaly, hand-written', () => {
  test('G0: two transactions whose appends interleave on x and y', () => {
    const found = only([ok(1, a('x', 1), a('y', 2)), ok(2, a('x', 3), a('y', 4)), ok(3, r('x', [1, 3]), r('y', [4, 2]))]);
    expect(names(found)).toEqual(['G0']);
    expect(found[0]!.cycle).toBe('T1 -ww(x)-> T2 -ww(y)-> T1');
    expect(found[0]!.txns).toEqual([1, 2]);
  });

  test('G1a: a committed read of an aborted append, and of a value nobody appended', () => {
    const found = only([fail(1, a('x', 1)), ok(2, r('x', [1])), ok(3, r('y', [7]))]);
    expect(names(found)).toEqual(['G1a', 'G1a']);
    expect(found[0]!.txns).toEqual([1, 2]);
    expect(found[0]!.explanation).toMatch(/appended by T1, which aborted/);
    expect(found[1]!.explanation).toMatch(/no transaction ever appended 7 to y/);
  });

  test('G1b: a read that ends in the middle of another transaction\'s appends', () => {
    const found = only([ok(1, a('x', 1), a('x', 2)), ok(2, r('x', [1])), ok(3, r('x', [1, 2]))]);
    expect(names(found)).toEqual(['G1b']);
    expect(found[0]!.txns).toEqual([1, 2]);
  });

  test('G1c: each transaction reads the other\'s append', () => {
    const found = only([ok(1, a('x', 1), r('y', [2])), ok(2, a('y', 2), r('x', [1]))]);
    expect(names(found)).toEqual(['G1c']);
    expect(found[0]!.cycle).toBe('T1 -wr(x)-> T2 -wr(y)-> T1');
  });

  test('G-single: read skew, x read before T2 and y read after it', () => {
    const found = only([ok(2, a('x', 1), a('y', 2)), ok(1, r('x', []), r('y', [2])), ok(3, r('x', [1]), r('y', [2]))]);
    expect(names(found)).toEqual(['G-single']);
    expect(found[0]!.cycle).toBe('T1 -rw(x)-> T2 -wr(y)-> T1');
  });

  test('G2-item: a three-transaction cycle with two rw edges, not a write skew', () => {
    const history = [
      ok(1, r('x', []), r('z', [3])),
      ok(2, a('x', 1), r('y', [])),
      ok(3, a('y', 2), a('z', 3)),
      ok(4, r('x', [1]), r('y', [2]), r('z', [3])),
    ];
    const found = only(history);
    expect(names(found)).toEqual(['G2-item']);
    expect(found[0]!.cycle).toBe('T1 -rw(x)-> T2 -rw(y)-> T3 -wr(z)-> T1');
    // Two rw edges in a row: snapshot isolation can produce this (T2 and T3 write different keys).
    expect(forbiddenUnder('snapshot', found)).toEqual([]);
    expect(forbiddenUnder('serializable', found)).toEqual(found);
  });

  test('snapshot isolation permits a cycle only when two of its rw edges are consecutive (Fekete et al.)', () => {
    expect(hasConsecutiveRw(['rw', 'rw'])).toBe(true);
    expect(hasConsecutiveRw(['rw', 'wr', 'rw'])).toBe(true); // wraps around: the last rw leads into the first
    expect(hasConsecutiveRw(['rw', 'wr', 'rw', 'wr'])).toBe(false);
    expect(hasConsecutiveRw(['rw', 'ww'])).toBe(false);
    const g2 = { name: 'G2-item', explanation: '', txns: [1, 2, 3, 4], edges: ['rw', 'wr', 'rw', 'wr'] } satisfies Anomaly;
    expect(forbiddenUnder('snapshot', [g2])).toEqual([g2]);
  });

  test('lost-update: two transactions append to x after reading the same version', () => {
    const found = only([ok(1, r('x', [5]), a('x', 1)), ok(2, r('x', [5]), a('x', 2)), ok(3, r('x', [5, 1, 2])), ok(4, a('x', 5))]);
    expect(names(found)).toEqual(['lost-update', 'G-single']);
    expect(found[0]!.txns).toEqual([1, 2]);
    expect(found[1]!.cycle).toBe('T2 -rw(x)-> T1 -ww(x)-> T2');
    expect(names(forbiddenUnder('snapshot', found))).toEqual(['lost-update', 'G-single']);
  });

  test('write-skew: each reads x and y, then appends to a different one; allowed under snapshot only', () => {
    const history = [ok(1, r('x', []), r('y', []), a('x', 1)), ok(2, r('x', []), r('y', []), a('y', 2)), ok(3, r('x', [1]), r('y', [2]))];
    const found = only(history);
    expect(names(found)).toEqual(['write-skew', 'G2-item']); // the specific name first
    expect(found.map((x) => x.cycle)).toEqual(['T1 -rw(y)-> T2 -rw(x)-> T1', 'T1 -rw(y)-> T2 -rw(x)-> T1']);
    expect(forbiddenUnder('snapshot', found)).toEqual([]);
    expect(forbiddenUnder('serializable', found)).toEqual(found);
  });

  test('incompatible-order: two reads of x that are not prefixes of one another', () => {
    const found = only([ok(1, a('x', 1)), ok(2, a('x', 2)), ok(3, r('x', [1, 2])), ok(4, r('x', [2]))]);
    expect(names(found)).toEqual(['incompatible-order']);
    expect(found[0]!.txns).toEqual([4, 3, 2, 1]); // both readers, and the writers of 2 and 1
    expect(only([ok(1, a('x', 1)), ok(2, r('x', [1, 1]))]).map((x) => x.name)).toEqual(['incompatible-order']);
  });

  test('internal: a read after the transaction\'s own append that misses it', () => {
    const found = only([ok(1, a('x', 1), r('x', [])), ok(2, r('y', []), a('y', 2), r('y', []))]);
    expect(names(found)).toEqual(['internal', 'internal']);
    expect(found[0]!.explanation).toMatch(/does not end with its own append/);
    expect(found[1]!.explanation).toMatch(/not \[2\]/);
  });

  test('duplicate-append: the same value appended twice to a key is reported, and stops the check', () => {
    const found = only([ok(1, a('x', 1)), ok(2, a('x', 1)), ok(3, r('x', [1]))]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ name: 'duplicate-append', explanation: 'duplicate append of value 1 to key x by txns 1 and 2' });
  });
});

describe('valid histories', () => {
  const valid = (history: Txn[]) => {
    const result = checkHistory(history);
    expect(result.anomalies.map(formatAnomaly)).toEqual([]);
    expect(result.valid).toBe(true);
    return result;
  };

  test('an empty history, and a single transaction reading its own appends', () => {
    expect(valid([]).stats).toEqual({ txns: 0, committed: 0, edges: { ww: 0, wr: 0, rw: 0 } });
    valid([ok(1, a('x', 1), r('x', [1]), a('x', 2), r('x', [1, 2]))]);
  });

  test('a serial read-modify-write chain, with the edges counted', () => {
    const result = valid([ok(1, r('x', [])), ok(2, r('x', []), a('x', 1)), ok(3, r('x', [1]), a('x', 2)), ok(4, r('x', [1, 2]))]);
    expect(result.stats).toEqual({ txns: 4, committed: 4, edges: { ww: 1, wr: 2, rw: 1 } });
  });

  test('failed and unknown transactions: an aborted append unseen, an info append seen is committed', () => {
    const result = valid([
      ok(1, a('x', 1)),
      fail(2, a('x', 2), r('y', null)),
      info(3, a('y', 3), r('x', null)),
      info(4, a('y', 4)),
      ok(5, r('x', [1]), r('y', [3]), a('x', 5)),
      ok(6, r('x', [1, 5]), r('y', [3])),
    ]);
    expect(result.stats.committed).toBe(4);
  });

  test('interleaved processes that happen to be serializable', () => {
    valid([
      ok(1, a('x', 1), a('y', 1)),
      ok(2, r('y', [1]), a('z', 1)),
      ok(3, r('x', [1]), r('z', []), a('x', 2)),
      ok(4, r('z', [1]), r('x', [1, 2])),
    ]);
  });
});

describe('the cycle search on hand-made graphs', () => {
  const graph = (edges: [number, string, number][]) => {
    const g = new DependencyGraph();
    for (const [from, kind, to] of edges) g.add({ from, to, kind: kind as 'ww' | 'wr' | 'rw', key: 'k', value: to });
    return g;
  };

  test('a closed walk with two rw edges but no simple cycle having two is not a G2-item', () => {
    // 1 -rw-> 2 -ww-> 3 -ww-> 1, and 3 -rw-> 4 -ww-> 3: two G-single cycles sharing node 3 (one SCC).
    const g = graph([[1, 'rw', 2], [2, 'ww', 3], [3, 'ww', 1], [3, 'rw', 4], [4, 'ww', 3]]);
    expect(names(cycleAnomalies(g, [1, 2, 3, 4]))).toEqual(['G-single']);
  });

  test('reports at most three cycles of a class, one per component', () => {
    const edges: [number, string, number][] = [];
    for (let i = 0; i < 10; i++) edges.push([2 * i, 'ww', 2 * i + 1], [2 * i + 1, 'ww', 2 * i]);
    const found = cycleAnomalies(graph(edges), [...Array(20).keys()]);
    expect(found.map((x) => x.cycle)).toEqual(['T0 -ww(k)-> T1 -ww(k)-> T0', 'T2 -ww(k)-> T3 -ww(k)-> T2', 'T4 -ww(k)-> T5 -ww(k)-> T4']);
  });

  test('finds the shortest cycle through an edge, over a long chain of ww and wr', () => {
    const edges: [number, string, number][] = [[0, 'rw', 1]];
    for (let i = 1; i < 2000; i++) edges.push([i, i % 2 === 0 ? 'ww' : 'wr', i + 1]);
    edges.push([2000, 'wr', 0], [1, 'wr', 0]);
    const found = cycleAnomalies(graph(edges), [...Array(2001).keys()]);
    expect(found.find((x) => x.name === 'G-single')?.cycle).toBe('T0 -rw(k)-> T1 -wr(k)-> T0');
  });
});

describe('what a learner reads: a plain name, where to look, every transaction named, scans as scans', () => {
  const first = (history: Txn[], level: 'snapshot' | 'serializable') => {
    const found = forbiddenUnder(level, only(history));
    expect(found.length).toBeGreaterThan(0);
    return found[0]!;
  };

  test('a lost update without the reads recorded (07-H01 with no first-committer-wins) names both writers', () => {
    // T1 and T2 each read [] and appended (their reads unrecorded); T2's list replaced T1's.
    const history = [ok(1, a('k1', 1)), ok(2, a('k1', 2)), ok(3, r('k1', [1])), ok(4, r('k1', [2]))];
    const found = first(history, 'snapshot');
    expect(found.name).toBe('incompatible-order');
    expect(found.label).toBe('lost update (one list replaced another)');
    expect(found.check).toMatch(/^check first-committer-wins/);
    expect(found.txns).toEqual([4, 3, 2, 1]);
    expect(found.explanation).toBe('T4 read k1 = [2] but T3 read k1 = [1]; the lists part after [], where T2 appended 2 and T1 appended 1: both built on that version and both committed, so one list replaced the other');
    const text = formatAnomaly(found);
    for (const txn of ['T1 [a k1 1]', 'T2 [a k1 2]', 'T3 [r k1 [1]]', 'T4 [r k1 [2]]']) expect(text).toContain(txn);
  });

  test('a lost update with the reads recorded comes first, before the symptoms it explains', () => {
    const history = [ok(1, r('k1', []), a('k1', 1)), ok(2, r('k1', []), a('k1', 2)), ok(3, r('k1', [1])), ok(4, r('k1', [2]))];
    const found = only(history);
    expect(names(found)[0]).toBe('lost-update');
    expect(found[0]!.label).toBe('lost update');
    expect(found[0]!.txns).toEqual([1, 2]);
    expect(found[0]!.check).toMatch(/first-committer-wins.*rule 4\)$/);
    expect(names(found)).toContain('incompatible-order');
  });

  test('a list that parts at an aborted append is not called a lost update', () => {
    const found = only([fail(1, a('k1', 1)), ok(2, a('k1', 2)), ok(3, r('k1', [1])), ok(4, r('k1', [2]))]);
    expect(names(found)).toEqual(['G1a', 'incompatible-order']);
    expect(found[1]!.label).toBe('incompatible order');
    expect(found[1]!.txns).toEqual([4, 3, 2, 1]);
  });

  test('write skew under serializable: "serializable must validate reads"', () => {
    const history = [ok(1, r('x', []), r('y', []), a('x', 1)), ok(2, r('x', []), r('y', []), a('y', 2)), ok(3, r('x', [1]), r('y', [2]))];
    const found = first(history, 'serializable');
    expect(found.label).toBe('write skew');
    expect(found.check).toMatch(/^serializable must validate reads: .*rule 4\)$/);
    expect(found.txns).toEqual([1, 2]);
  });

  test('a phantom: a scan that missed a key is shown as a scan, and named a phantom', () => {
    // T1 scans k1…k3 and finds nothing, then appends to k9; T2 reads k9 empty and appends to k2.
    const history = [
      ok(1, s('k1', 'k3', {}), a('k9', 1)),
      ok(2, r('k9', []), a('k2', 2)),
      ok(3, r('k2', [2]), r('k9', [1])),
    ];
    const found = first(history, 'serializable');
    expect(found.name).toBe('write-skew');
    expect(found.label).toBe('phantom (write skew through a scanned range)');
    expect(found.check).toMatch(/^serializable must validate scanned ranges/);
    expect(found.explanation).toContain("T1's scan of k1…k3 found no k2, and T2 appended 2 to k2, inside that range, after what T1 saw");
    expect(formatAnomaly(found)).toContain('T1 [s k1…k3 {} · a k9 1]');
    // The same history with the scan flattened into reads would name no range.
    expect(forbiddenUnder('snapshot', only(history))).toEqual([]);
  });

  test('a scan reads the keys it found as found, and the others of its range as absent', () => {
    const history = [ok(1, a('k1', 1)), ok(2, s('k0', 'k2', { k1: [1] }), a('k2', 2)), ok(3, s('k0', 'k9', { k1: [1], k2: [2] }))];
    expect(checkHistory(history).valid).toBe(true);
    // A scan that did not find k1 read it as []: serialized before T1, which is valid.
    expect(checkHistory([ok(1, a('k1', 1)), ok(2, s('k0', 'k2', {})), ok(3, r('k1', [1]))]).valid).toBe(true);
    // A scan's read of k1 counts as a read of k1 within its transaction.
    const stale = only([ok(1, a('k1', 1)), ok(2, s('k0', 'k2', { k1: [1] }), r('k1', []))]);
    expect(names(stale)[0]).toBe('internal');
  });

  test('every anomaly gets a label and a place to look', () => {
    const histories: Txn[][] = [
      [ok(1, a('x', 1), a('y', 2)), ok(2, a('x', 3), a('y', 4)), ok(3, r('x', [1, 3]), r('y', [4, 2]))],
      [fail(1, a('x', 1)), ok(2, r('x', [1]))],
      [ok(1, a('x', 1), a('x', 2)), ok(2, r('x', [1])), ok(3, r('x', [1, 2]))],
      [ok(1, a('x', 1), r('y', [2])), ok(2, a('y', 2), r('x', [1]))],
      [ok(1, a('x', 1), r('x', []))],
      [ok(1, a('x', 1)), ok(2, a('x', 1))],
    ];
    const labels = histories.map((history) => only(history)[0]!).map((x) => [x.name, x.label, x.check !== undefined && x.check.length > 0]);
    expect(labels).toEqual([
      ['G0', 'write cycle (G0)', true],
      ['G1a', 'aborted read (G1a)', true],
      ['G1b', 'intermediate read (G1b)', true],
      ['G1c', 'circular information flow (G1c)', true],
      ['internal', 'own writes not seen', true],
      ['duplicate-append', 'duplicate append', true],
    ]);
  });
});

test('formatAnomaly explains the anomaly, its cycle and the transactions compactly', () => {
  const [found] = only([ok(2, a('x', 1), a('y', 2)), ok(1, r('x', []), r('y', [2])), ok(3, r('x', [1]), r('y', [2]))]);
  const text = formatAnomaly(found!);
  expect(text).toMatch(/^read skew \(G-single\): a cycle with exactly one/);
  expect(text).toMatch(/\n  look at: snapshot isolation cannot produce this: .*rules 1 and 2\)\n/);
  expect(text).toContain('cycle: T1 -rw(x)-> T2 -wr(y)-> T1');
  expect(text).toContain('T1 [r x [] · r y [2]]');
  expect(text).toContain('T2 [a x 1 · a y 2]');
  expect(formatAnomaly({ name: 'G1a', explanation: 'e', txns: [9] })).toContain('T9');
});

// --- properties: histories from running random transactions serially against a model -------

const KEYS = ['x', 'y', 'z'];
interface Plan {
  status: TxnStatus;
  /** For an 'info' transaction: whether it actually committed. */
  applied: boolean;
  ops: { f: 'read' | 'append'; key: string }[];
}
const opArb = fc.record({ f: fc.constantFrom<'read' | 'append'>('read', 'append'), key: fc.constantFrom(...KEYS) });
const planArb: fc.Arbitrary<Plan> = fc.record({
  status: fc.constantFrom<TxnStatus>('ok', 'ok', 'ok', 'fail', 'info'),
  applied: fc.boolean(),
  ops: fc.array(opArb, { minLength: 1, maxLength: 5 }),
});

/** Runs the plans one at a time; returns the history (ending in a read of every key) and the state before each txn. */
function runSerially(plans: Plan[]): { history: Txn[]; before: Map<string, number[]>[] } {
  let state = new Map<string, number[]>();
  let next = 1;
  const before: Map<string, number[]>[] = [];
  const all = [...plans, { status: 'ok' as const, applied: true, ops: KEYS.map((key) => ({ f: 'read' as const, key })) }];
  const history = all.map((plan, i): Txn => {
    before.push(state);
    const local = new Map(state);
    const ops = plan.ops.map(({ f, key }): MicroOp => {
      const list = local.get(key) ?? [];
      if (f === 'read') return r(key, plan.status === 'ok' ? list : null);
      local.set(key, [...list, next]);
      return a(key, next++);
    });
    if (plan.status === 'ok' || (plan.status === 'info' && plan.applied)) state = local;
    return { id: i + 1, process: i % 4, status: plan.status, ops };
  });
  return { history, before };
}

describe('properties', () => {
  test('a history of transactions run serially (some aborted, some unknown) is always valid', () => {
    fc.assert(
      fc.property(fc.array(planArb, { maxLength: 25 }), (plans) => {
        const result = checkHistory(runSerially(plans).history);
        expect(result.anomalies.map(formatAnomaly)).toEqual([]);
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  test('a stale read (an older state of the key) planted in a later read-modify-write is caught', () => {
    const arb = fc.record({
      key: fc.constantFrom(...KEYS),
      earlier: fc.array(planArb, { maxLength: 10 }),
      later: fc.array(planArb, { maxLength: 10 }),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ key, earlier, later, pick }) => {
        const rmw: Plan = { status: 'ok', applied: true, ops: [{ f: 'read', key }, { f: 'append', key }] };
        const first: Plan = { status: 'ok', applied: true, ops: [{ f: 'append', key }] };
        const { history, before } = runSerially([first, ...earlier, rmw, ...later]);
        const at = 1 + earlier.length;
        const seen = (history[at]!.ops[0] as { value: number[] }).value;
        const older = [...new Set(before.slice(0, at + 1).map((s) => JSON.stringify(s.get(key) ?? [])))]
          .map((text) => JSON.parse(text) as number[])
          .filter((list) => list.length < seen.length);
        const stale = older[pick % older.length]!;
        const planted = history.map((t, i) => (i === at ? { ...t, ops: [r(key, stale), t.ops[1]!] } : t));
        const found = names(checkHistory(planted).anomalies);
        expect(found.some((name) => ['G-single', 'G2-item', 'lost-update'].includes(name))).toBe(true);
      }),
      { seed: 1, numRuns: 200 },
    );
  });
});
