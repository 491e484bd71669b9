// The Gradescope packaging (grading/gradescope/) end to end: a fake /autograder laid out in a
// temporary directory (source = this course, submission = a learner's upload), run_autograder
// run against it through KATA_AUTOGRADER_ROOT, and results.json read back as Gradescope would.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { ROOT } from '../stages.ts';

interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: string;
  output?: string;
  execution_time: number;
}

let autograder: string;
afterEach(() => rmSync(path.dirname(autograder), { recursive: true, force: true }));

/**
 * Lays out /autograder with `submission` as the upload (its NN-slug folders at the top, or under
 * stages/ as in a whole repository), runs run_autograder on `stages`, returns results.json.
 */
function runAutograder(submission: string, asRepository: boolean, stages = '02'): { tests: GradescopeTest[]; score: number; output: string; log: string } {
  autograder = path.join(mkdtempSync(path.join(tmpdir(), 'kata-gradescope-')), 'autograder');
  mkdirSync(autograder);
  symlinkSync(ROOT, path.join(autograder, 'source'));
  cpSync(submission, path.join(autograder, 'submission', asRepository ? 'stages' : ''), { recursive: true });
  const run = spawnSync('bash', [path.join(ROOT, 'grading/gradescope/run_autograder')], {
    env: { ...process.env, KATA_AUTOGRADER_ROOT: autograder, KATA_GRADESCOPE_STAGES: stages },
    encoding: 'utf8',
  });
  expect(run.status, `run_autograder's exit status; stderr:\n${run.stderr}`).toBe(0);
  const results = JSON.parse(readFileSync(path.join(autograder, 'results', 'results.json'), 'utf8')) as ReturnType<typeof runAutograder>;
  return { ...results, log: run.stdout };
}

function expectWellFormed(tests: GradescopeTest[]): void {
  expect(tests.length, 'one entry per stage 02 test').toBe(28);
  for (const t of tests) {
    expect(t.name, 'name: id and rule').toMatch(/^02-[A-Z]\d\d \S/);
    expect(t.max_score).toBeCloseTo(10 / 28, 3);
    expect(['passed', 'failed']).toContain(t.status);
    expect(t.score, `${t.name}: score`).toBe(t.status === 'passed' ? t.max_score : 0);
    expect(typeof t.execution_time, `${t.name}: execution_time`).toBe('number');
  }
}

test('the untouched starter, uploaded as its stage folders: every test failed, with its output, score 0', () => {
  const { tests, score, log } = runAutograder(path.join(ROOT, 'stages'), false);
  expectWellFormed(tests);
  expect(tests.filter((t) => t.status !== 'failed').map((t) => t.name), 'tests that did not fail').toEqual([]);
  expect(tests.every((t) => t.output?.startsWith('NotImplementedError')), 'each failure says not implemented').toBe(true);
  expect(score).toBe(0);
  expect(log, 'the log names the seed').toMatch(/seed 1; rerun with/);
}, 120_000);

test('a small correct map (a fixture) as a whole repository upload: every test passed, 10 points', () => {
  const { tests, score } = runAutograder(path.join(ROOT, 'harness/test/fixtures/submissions/map'), true);
  expectWellFormed(tests);
  expect(tests.filter((t) => t.status !== 'passed').map((t) => `${t.name}: ${t.output}`), 'tests that did not pass').toEqual([]);
  expect(score).toBe(10);
}, 120_000);

test('grading that cannot finish still writes results.json: score 0 and the reason', () => {
  const { tests, score, output } = runAutograder(path.join(ROOT, 'stages'), false, '99');
  expect(tests).toEqual([]);
  expect(score).toBe(0);
  expect(output).toMatch(/^grading did not finish \(exit status 2\)/);
}, 60_000);
