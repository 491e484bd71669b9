// Scores stage outcomes for instructors: per stage, tests passed and a score out of 10, as
// dbkata's own JSON, as Gradescope's autograder results, and as a markdown table. Nothing
// time-dependent goes in the grade itself, so the same code and seed always write the same
// bytes; only Gradescope's file carries execution times, since Gradescope asks for them.

import type { StageOutcome } from './runner/run-suites.ts';
import type { TargetKind } from './target.ts';

export const POINTS_PER_STAGE = 10;

export interface Grade {
  target: TargetKind;
  seed: number;
  /** Ids of the instructor's held-out tests (--extra-tests) among the graded ones. */
  heldOut: number;
  score: number;
  maxScore: number;
  stages: Array<{
    id: string;
    title: string;
    passed: number;
    failed: number;
    total: number;
    score: number;
    maxScore: number;
    /** For a stage built on an earlier one: whose earlier stage it ran on (--base). */
    base?: 'learner' | 'reference';
    /** Why the stage scored 0 without running: imports it may not make. */
    refused?: string[];
    tests: Array<{ id: string; title: string; status: string; message?: string; heldOut?: true }>;
  }>;
}

/** How long each test took, by id, for Gradescope's execution_time; never in the grade itself. */
export type Durations = ReadonlyMap<string, number>;

const round = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function grade(outcomes: readonly StageOutcome[], target: TargetKind, seed: number, heldOut: ReadonlySet<string> = new Set(), base: 'learner' | 'reference' = 'learner'): Grade {
  const stages = outcomes.map(({ stage, tests, loadErrors, refused }): Grade['stages'][number] => {
    const passed = tests.filter((t) => t.status === 'passed').length;
    const total = tests.length + loadErrors.length;
    return {
      id: stage.id,
      title: stage.title,
      passed,
      failed: total - passed,
      total,
      score: total === 0 ? 0 : round((POINTS_PER_STAGE * passed) / total),
      maxScore: POINTS_PER_STAGE,
      ...(target === 'learner' && stage.base !== undefined ? { base } : {}),
      ...(refused ? { refused } : {}),
      tests: [
        ...loadErrors.map((message, i) => ({ id: `${stage.id}-LOAD${i + 1}`, title: 'the suite runs without an unhandled error', status: 'failed', message })),
        ...tests.map((t) => ({
          id: t.id,
          title: t.title,
          status: t.status,
          ...(t.status === 'failed' ? { message: t.message } : {}),
          ...(heldOut.has(t.id) ? { heldOut: true as const } : {}),
        })),
      ],
    };
  });
  return {
    target,
    seed,
    heldOut: outcomes.reduce((n, o) => n + o.tests.filter((t) => heldOut.has(t.id)).length, 0),
    score: round(stages.reduce((sum, s) => sum + s.score, 0)),
    maxScore: stages.length * POINTS_PER_STAGE,
    stages,
  };
}

/**
 * Gradescope's results.json: one entry per test, each worth its share of its stage, with how
 * long it took. A held-out test's entry is shown once the grades are published, so its
 * failure message does not hand the hidden case to the learner before the deadline.
 */
export function gradescope(result: Grade, durations: Durations = new Map()): object {
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const total = [...durations.values()].reduce((sum, ms) => sum + ms, 0);
  const refusals = result.stages.filter((s) => s.refused).map((s) => `stage ${s.id} was refused before any test ran:\n${s.refused!.join('\n')}`);
  return {
    score: result.score,
    execution_time: seconds(total),
    output: [`dbkata, seed ${result.seed}: ${result.score} of ${result.maxScore} points`, ...refusals].join('\n\n'),
    stdout_visibility: 'visible',
    tests: result.stages.flatMap((stage) =>
      stage.tests.map((test) => ({
        name: `${test.id} ${test.title}`.trimEnd(),
        number: test.id,
        score: test.status === 'passed' ? round4(stage.maxScore / stage.total) : 0,
        max_score: round4(stage.maxScore / stage.total),
        status: test.status === 'passed' ? 'passed' : 'failed',
        execution_time: seconds(durations.get(test.id) ?? 0),
        ...(test.message ? { output: test.message } : {}),
        tags: [`stage ${stage.id}`, ...(test.heldOut ? ['held-out'] : [])],
        visibility: test.heldOut ? 'after_published' : 'visible',
      })),
    ),
  };
}

export function markdown(result: Grade): string {
  const rows = result.stages.map((s) => `| ${s.id} | ${s.title} | ${s.passed} | ${s.failed} | ${s.score} / ${s.maxScore} |`);
  return [
    `### dbkata grade: ${result.score} / ${result.maxScore}`,
    '',
    '| stage | title | passed | failed | score |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `seed ${result.seed}; rerun with \`npm run grade -- --seed ${result.seed}\`` +
      (result.heldOut > 0 ? ` (and the same --extra-tests: ${result.heldOut} held-out tests)` : ''),
    '',
  ].join('\n');
}
