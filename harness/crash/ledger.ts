// What the crash runner knows across cycles: the content the last check found (the next
// cycle's starting point, whichever way its in-flight writes went), and every value each key
// was ever written or acknowledged with, so a stale value can be told from an invented one.

import type { CheckRule, CycleFacts, TrackedOp } from './checker.ts';

export class Ledger {
  before: ReadonlyMap<string, string> = new Map();
  private readonly written = new Map<string, Set<string>>();
  private readonly acknowledged = new Map<string, Set<string>>();

  facts(cycle: number, ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>, rule: CheckRule): CycleFacts {
    return { cycle, before: this.before, ops, observed, rule, earlierWritten: this.written, earlierAcknowledged: this.acknowledged };
  }

  /** After a cycle's check: what the reopened store holds is where the next cycle starts. */
  advance(ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>): void {
    const add = (map: Map<string, Set<string>>, key: string, value: string) => {
      let values = map.get(key);
      if (values === undefined) map.set(key, (values = new Set()));
      values.add(value);
    };
    for (const op of ops) {
      if (op.value === undefined) continue;
      add(this.written, op.key, op.value);
      if (op.state === 'acknowledged') add(this.acknowledged, op.key, op.value);
    }
    for (const [key, value] of observed) {
      add(this.written, key, value);
      add(this.acknowledged, key, value);
    }
    this.before = new Map(observed);
  }
}
