// The two reference engines of stage 05 (LSM tree, B+tree), opened exactly as the stage 05
// tests open them: through reference/stages/05.ts, with KATA_ENGINE choosing the engine.
// A put is durable once a later flush() resolves, so the bench calls flush() at its durability
// points: once at the end of the writes, or after every group with --durable.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DbkataBenchStore } from './dbkata-store.ts';
import type { BenchEngine, EngineName } from './engine.ts';

export function stage05Engine(name: EngineName, kataEngine: 'lsm' | 'btree', file: string): BenchEngine {
  const source = `reference/${file}`;
  return {
    name,
    peer: false,
    missing: () => (existsSync(fileURLToPath(new URL(`../../${source}`, import.meta.url))) ? undefined : `${source} does not exist yet`),
    version: () => `reference, stage 05 (KATA_ENGINE=${kataEngine})`,
    mode: (durable) =>
      durable
        ? { mode: 'flush() per group', detail: 'stage 05 openStore: flush() after every group of puts' }
        : { mode: 'flush() at end', detail: 'stage 05 openStore: puts, then one flush() that makes them all durable (timed)' },
    async open({ dir, memoryBudget }) {
      process.env.KATA_ENGINE = kataEngine;
      const { stage } = await import('../../reference/stages/05.ts');
      return new DbkataBenchStore(await stage.openStore({ dir, memoryBudget }));
    },
  };
}
