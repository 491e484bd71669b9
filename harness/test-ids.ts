// The tests a stage's suite declares, read from its source: every `rule('NN-X00', …)` and
// `property('NN-X00', …)`. The runner counts a declared test that never reported as failed
// (it did not run), so a crash or a hang cannot shrink a grade's denominator; the lint checks
// that ids are unique and that every test call has a literal id.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type StageInfo, stagePaths } from './stages.ts';

export const TEST_ID_CALL = /(?<![.\w])(?:rule|property)\(\s*'(\d\d-[A-Z]\d\d)'/g;
export const ANY_TEST_CALL = /(?<![.\w])(?:rule|property)\(\s*(?!\))/g;

export interface DeclaredTest {
  id: string;
  /** Absolute path of the test file. */
  file: string;
}

/** The stage's test files in the course tree at `root` (a pristine copy when grading). */
export function testFiles(stage: StageInfo, root = ROOT): string[] {
  const dir = path.join(root, stagePaths(stage).tests);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => path.join(dir, name));
}

export function declaredTests(stage: StageInfo, root = ROOT): DeclaredTest[] {
  return testFiles(stage, root).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(TEST_ID_CALL)].map((match) => ({ id: match[1]!, file })),
  );
}
