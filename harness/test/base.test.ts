// Stages built on an earlier stage get it injected (harness/target.ts). Proved end to end on a
// copy of the course whose stage 08 is a learner's pass-through — `base.openStore(options)`,
// nothing else: on the reference's stage 07 (--base reference) it passes, since the reference's
// stage 07 store already is a safe concurrent one; on the learner's own, untouched stage 07 it
// stops at that stage's stub, and says how to start at stage 08 without it.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../stages.ts';

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(path.join(tmpdir(), 'kata-base-'));
  for (const part of ['stages', 'reference', 'harness', 'tests', 'package.json', 'tsconfig.json', 'vitest.config.ts']) {
    cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  writeFileSync(
    path.join(copy, 'stages/08-concurrency/index.ts'),
    [
      "import type { ConcurrentStore, Stage07, Stage08, WalStoreOptions } from './contract.ts';",
      'export async function openStore(options: WalStoreOptions, base: Stage07): Promise<ConcurrentStore> {',
      '  return base.openStore(options);',
      '}',
      'export const stage: Stage08 = { openStore };',
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(copy, { recursive: true, force: true }));

function npmTest(...args: string[]): { output: string; status: number | null } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'harness/cli/test.ts', 'stage', '08', '--only', '08-E01', ...args], {
    cwd: copy,
    encoding: 'utf8',
    env: Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'KATA_TARGET' && name !== 'KATA_BASE')),
    timeout: 120_000,
  });
  return { output: `${run.stdout}${run.stderr}`, status: run.status };
}

test("--base reference: a learner's stage 08 runs on the reference's stage 07", () => {
  const { output, status } = npmTest('--base', 'reference');
  expect(output).toContain('✓ 08-E01');
  expect(output).toContain('1 passed, 0 failed');
  expect(status).toBe(0);
}, 130_000);

test("by default it runs on the learner's own stage 07, whose stub says how to start without it", () => {
  const { output, status } = npmTest();
  expect(output).toContain('stage 08 runs on your stage 07, which is not implemented yet — start with stages/07-transactions/README.md');
  expect(output).toContain('npm test -- stage 08 --base reference');
  expect(status).toBe(1);
}, 130_000);
