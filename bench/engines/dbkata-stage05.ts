// The two reference engines of stage 05 (LSM tree, B+tree), opened as the stage 05 adapter
// opens them: by reference/engine.ts's openEngine, with the engine's kind.
// A put is durable once a later flush() resolves, so the bench calls flush() at its durability
// points: once at the end of the writes, or after every group with --durable.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IndexKind } from '../../reference/engine.ts';
import { DbkataBenchStore } from './dbkata-store.ts';
import type { BenchEngine, EngineName } from './engine.ts';

export function stage05Engine(name: EngineName, kind: IndexKind, file: string): BenchEngine {
  const source = `reference/${file}`;
  return {
    name,
    peer: false,
    missing: () => (existsSync(fileURLToPath(new URL(`../../${source}`, import.meta.url))) ? undefined : `${source} does not exist yet`),
    version: () => `reference, stage 05 (${kind})`,
    mode: (durable) =>
      durable
        ? { mode: 'flush() per group', detail: 'stage 05 openStore: flush() after every group of puts' }
        : { mode: 'flush() at end', detail: 'stage 05 openStore: puts, then one flush() that makes them all durable (timed)' },
    async open({ dir, memoryBudget }) {
      const { openEngine } = await import('../../reference/engine.ts');
      return new DbkataBenchStore(await openEngine({ kind, dir, memoryBudget }));
    },
  };
}
