// Two grades of the same code are the same bytes: no temporary directory's name, no timing.
// The submission is a stage 02 whose every call fails naming a directory it just made under
// the system's temporary directory, as a store's error would (08-R01's message once did).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { ROOT } from '../stages.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'kata-twice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STAGE = `// A stage 02 that fails naming a fresh temporary directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KvStore, Stage02 } from './contract.ts';

export function createStore(): KvStore {
  throw new Error(\`cannot open the store in \${path.join(mkdtempSync(path.join(tmpdir(), 'store-')), 'data')}\`);
}

export const stage: Stage02 = { createStore };
`;

function gradeOnce(name: string): string {
  const out = path.join(dir, name);
  const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'harness/cli/grade.ts', '--stages', '02', '--submission', path.join(dir, 'submission'), '--json', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(out, 'utf8');
}

test('two grades of the same code write byte-identical JSON', () => {
  mkdirSync(path.join(dir, 'submission', '02-ordered-map'), { recursive: true });
  writeFileSync(path.join(dir, 'submission', '02-ordered-map', 'index.ts'), STAGE);
  const first = gradeOnce('first.json');
  const second = gradeOnce('second.json');
  const message = (JSON.parse(first) as { stages: Array<{ tests: Array<{ message?: string }> }> }).stages[0]!.tests[0]!.message ?? '';
  expect(message, 'the temporary directory in the message').toContain('cannot open the store in <tmp>/data');
  expect(first, 'a run-specific path left in the grade').not.toContain(tmpdir() + '/');
  expect(second).toBe(first);
}, 120_000);
