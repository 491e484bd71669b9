// Forged grades: each fixture under fixtures/submissions/ is a learner's stage 01 written to
// cheat (stubs that fail every test, plus a forge), graded as `npm run grade` grades, in a
// pristine tree. Every forge must end with every test failed, and an import of the reference
// must be refused before any test runs, naming the file, the line and the import.

import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildTree } from '../grade/tree.ts';
import { grade } from '../grading.ts';
import { runSuites, type StageOutcome } from '../runner/run-suites.ts';
import { findStage, ROOT } from '../stages.ts';

const SUBMISSIONS = path.join(ROOT, 'harness/test/fixtures/submissions');

/** Grades the fixture's stage 01 in a pristine tree (with the reference in it when asked). */
async function gradeFixture(name: string, withReference = false): Promise<StageOutcome> {
  const tree = buildTree({ submission: path.join(SUBMISSIONS, name), withReference });
  try {
    expect(tree.copied, 'the learner files taken from the fixture').toEqual(['stages/01-repl/index.ts']);
    const [outcome] = await runSuites({ root: tree.root, stages: [findStage('01')!], target: 'learner', seed: 1, showConsole: false });
    return outcome!;
  } finally {
    tree.remove();
  }
}

function expectAllFailed(outcome: StageOutcome): void {
  const passed = outcome.tests.filter((t) => t.status !== 'failed').map((t) => `${t.id} (${t.status})`);
  expect(passed, 'tests that did not fail').toEqual([]);
  expect(outcome.tests.length, 'tests accounted for (every declared test of stage 01)').toBeGreaterThan(30);
  expect(grade([outcome], 'learner', 1).score, 'the grade').toBe(0);
}

describe('a forged grade ends with every test failed', () => {
  test.each([
    ['results-file', 'appends "passed" lines to the results file, then points KATA_RESULTS at /dev/null', false],
    ['stdout', "writes \"passed\" lines in the results' format to stdout and stderr", false],
    ['env', 'sets KATA_TARGET=reference (with the reference present), KATA_SEED and KATA_PATH, and calls process.send', true],
    ['exit', 'calls process.exit(0) at import', false],
    ['hooks', 'swallows errors, forges on exit and throws from a timer', false],
    ['kill-parent', "forges, then kills vitest's main process", false],
  ] as const)('%s: %s', async (name, _what, withReference) => {
    const outcome = await gradeFixture(name, withReference);
    expectAllFailed(outcome);
    // The stubs still ran where the process lived long enough: the failures are the learner's own.
    if (name === 'results-file' || name === 'stdout' || name === 'env') {
      expect(outcome.tests.every((t) => t.message.startsWith('NotImplementedError')), 'every failure is a stub').toBe(true);
    }
  }, 120_000);
});

describe('an import outside stages/ is refused before any test runs', () => {
  test('export * from the reference: refused with the file, line and import, score 0', async () => {
    const outcome = await gradeFixture('import-reference');
    expectAllFailed(outcome);
    expect(outcome.refused).toEqual([
      'stages/01-repl/index.ts:4: import of "../../reference/stages/01.ts" refused: learner code may import files under stages/ only, ' +
        'not reference/. A stage is graded on its own files; the tests load it through its contract.',
    ]);
    expect(outcome.tests[0]!.message).toMatch(/^refused before any test ran:\nstages\/01-repl\/index.ts:4: import of "..\/..\/reference\/stages\/01.ts"/);
    expect(grade([outcome], 'learner', 1).stages[0]!.refused, 'the reason in the grade').toEqual(outcome.refused);
  });

  test('an import() of a name built at run time is refused too', async () => {
    const outcome = await gradeFixture('import-computed');
    expectAllFailed(outcome);
    expect(outcome.refused?.[0]).toMatch(/^stages\/01-repl\/index.ts:8: import of "import\(where\)" refused: an import whose name is computed/);
  });
});
