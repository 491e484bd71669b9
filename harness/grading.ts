// Scores stage outcomes for instructors: per stage, tests passed and a score out of 10, as
// dbkata's own JSON, as Gradescope's autograder results, and as a markdown table. Nothing
// time-dependent goes in, so the same code and seed always grade the same.

import type { StageOutcome } from './runner/run-suites.ts';
import type { TargetKind } from './target.ts';

export const POINTS_PER_STAGE = 10;

export interface Grade {
  target: TargetKind;
  seed: number;
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
    tests: Array<{ id: string; title: string; status: string; message?: string }>;
  }>;
}

const round = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export function grade(outcomes: readonly StageOutcome[], target: TargetKind, seed: number): Grade {
  const stages = outcomes.map(({ stage, tests, loadErrors }) => {
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
      tests: [
        ...loadErrors.map((message, i) => ({ id: `${stage.id}-LOAD${i + 1}`, title: 'the suite runs without an unhandled error', status: 'failed', message })),
        ...tests.map((t) => ({ id: t.id, title: t.title, status: t.status, ...(t.status === 'failed' ? { message: t.message } : {}) })),
      ],
    };
  });
  return {
    target,
    seed,
    score: round(stages.reduce((sum, s) => sum + s.score, 0)),
    maxScore: stages.length * POINTS_PER_STAGE,
    stages,
  };
}

/** Gradescope's results.json: one entry per test, each worth its share of its stage. */
export function gradescope(result: Grade): object {
  return {
    score: result.score,
    output: `dbkata, seed ${result.seed}: ${result.score} of ${result.maxScore} points`,
    stdout_visibility: 'visible',
    tests: result.stages.flatMap((stage) =>
      stage.tests.map((test) => ({
        name: `${test.id} ${test.title}`,
        number: test.id,
        score: test.status === 'passed' ? round4(stage.maxScore / stage.total) : 0,
        max_score: round4(stage.maxScore / stage.total),
        status: test.status === 'passed' ? 'passed' : 'failed',
        ...(test.message ? { output: test.message } : {}),
        tags: [`stage ${stage.id}`],
        visibility: 'visible',
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
    `seed ${result.seed}; rerun with \`npm run grade -- --seed ${result.seed}\``,
    '',
  ].join('\n');
}
