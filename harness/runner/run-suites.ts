// Runs stage suites and returns one outcome per declared test. Every command (test, check,
// grade, mutants) goes through here, so they all count alike. Each stage runs in its own
// vitest process, and every test its files declare is accounted for: one that never
// reported — its file failed to load, the process died, a test before it hung — counts as
// failed, with the reason. A crash or a hang can never shrink the count. Learner code that
// imports what it may not (grade/imports.ts) is refused before any test runs.

import { type Engine, ROOT, type StageInfo, stagePaths } from '../stages.ts';
import type { TargetKind } from '../target.ts';
import { declaredTests } from '../test-ids.ts';
import { describeRefusal, stageRefusals } from '../grade/imports.ts';
import { runTestSet } from './attempts.ts';
import { STAGE_TIMEOUT_SECONDS } from '../limits.ts';

export { cleanMessage } from './messages.ts';

export interface TestOutcome {
  /** The stable id that starts every test name, e.g. 02-E07. */
  id: string;
  /** The test name without its id: the rule it checks (the id alone if it never ran). */
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure, as the test wrote it (stack frames from node_modules and the harness removed). */
  message: string;
  durationMs: number;
}

export interface StageOutcome {
  stage: StageInfo;
  tests: TestOutcome[];
  /** Errors that belong to no single test (an unhandled rejection, vitest itself failing). */
  loadErrors: string[];
  /** Imports that refused the stage before any test ran (harness/grade/imports.ts): every test failed. */
  refused?: string[];
}

export interface RunOptions {
  stages: readonly StageInfo[];
  target: TargetKind;
  seed: number;
  /** Only the test with this id. */
  only?: string;
  /** Another copy of reference/ (mutants). */
  referenceRoot?: string;
  /** Forward console output of the code under test (default true). */
  showConsole?: boolean;
  /** The reference engine for stages that have two (KATA_ENGINE); the adapter's default otherwise. */
  engine?: Engine;
  /** Whose earlier stage a learner's stage builds on (KATA_BASE): theirs (the default) or the reference's. */
  base?: 'learner' | 'reference';
  /** The course tree to run in: a pristine copy when grading (grade/tree.ts); this repository by default. */
  root?: string;
}


export async function runSuites(options: RunOptions): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  for (const stage of options.stages) {
    const root = options.root ?? ROOT;
    const env: NodeJS.ProcessEnv = { KATA_TARGET: options.target, KATA_SEED: String(options.seed) };
    if (options.referenceRoot) env.KATA_REFERENCE_ROOT = options.referenceRoot;
    if (options.only) env.KATA_ONLY = options.only;
    if (options.engine) env.KATA_ENGINE = options.engine;
    if (options.base) env.KATA_BASE = options.base;
    const declared = declaredTests(stage, root).filter((t) => options.only === undefined || t.id === options.only);
    const refused = options.target === 'learner' ? stageRefusals(stage, root).map(describeRefusal) : [];
    if (refused.length > 0) {
      const message = `refused before any test ran:\n${refused.join('\n')}`;
      outcomes.push({ stage, tests: declared.map(({ id }) => ({ id, title: '', status: 'failed', message, durationMs: 0 })), loadErrors: [], refused });
      continue;
    }
    const { tests, loadErrors } = await runTestSet({
      root,
      paths: [`${stagePaths(stage).tests}/`],
      declared,
      env,
      showConsole: options.showConsole ?? true,
      timeoutSeconds: STAGE_TIMEOUT_SECONDS,
    });
    outcomes.push({ stage, tests, loadErrors });
  }
  return outcomes;
}

export function countTests(outcomes: readonly StageOutcome[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const { tests, loadErrors } of outcomes) {
    passed += tests.filter((t) => t.status === 'passed').length;
    failed += tests.filter((t) => t.status === 'failed').length + loadErrors.length;
  }
  return { passed, failed };
}
