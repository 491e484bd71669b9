// `npm run grade`: grades a learner's code, stage by stage, in a pristine copy of the course
// (grade/tree.ts): only the learner's own files under stages/NN-slug/ are taken from the
// submission, so an edited harness, test or contract grades nothing. Prints a markdown table,
// the seed and the closing count; writes JSON for graders that want it. Exits 0 whenever a
// grade was produced, failing tests included: a grade is a result, not an error.

import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { addExtraTests } from '../grade/extra-tests.ts';
import { buildTree } from '../grade/tree.ts';
import { grade, gradescope, markdown } from '../grading.ts';
import { countTests, runSuites } from '../runner/run-suites.ts';
import { findStage, READY_STAGES, ROOT, type StageInfo } from '../stages.ts';
import { parseArgs, runMain, seedFlag, UsageError } from './args.ts';

const USAGE = 'npm run grade -- [--stages NN,NN] [--submission DIR] [--extra-tests DIR] [--seed N|random] [--base learner|reference] [--json FILE] [--gradescope FILE] [--markdown FILE] [--reference]';

const HELP = `${USAGE}

Grades a learner's code on every written stage (or those --stages names): per stage, tests
passed and a score out of 10. Only the learner's files under stages/NN-slug/ are graded, in a
fresh copy of this course: contract.ts, the harness and the tests are always the course's own.
A stage whose code imports reference/, harness/, tests/ or bench/ scores 0, with the import
named. The same code, seed and tests always give the same grade, byte for byte.

options:
  --stages NN,NN      grade these stages only (e.g. 01,02; default: every written stage)
  --submission DIR    the learner's code: a repository with stages/, or a folder of NN-slug
                      folders (default: this repository's stages/)
  --extra-tests DIR   add held-out tests: DIR/NN-slug/*.test.ts, written like tests/NN-slug/
                      (contract-only, literal ids of their own); see docs/instructors.md
  --seed N|random     seed for the random tests (default 1; random picks one). Printed.
  --base B            stages built on an earlier one (04, 06, 07, 08) run on the learner's own
                      earlier stage (learner, the default) or the reference's (reference);
                      the grade records which, per stage. Stage 08 is always graded on the
                      learner's own 07: the reference's 07 already does what 08 asks
  --json FILE         write the grade as JSON (per stage and per test)
  --gradescope FILE   write Gradescope's autograder results.json (with execution times)
  --markdown FILE     append the markdown table (e.g. "$GITHUB_STEP_SUMMARY")
  --reference         grade the reference instead (a sanity check: full marks)`;

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), {
    usage: USAGE,
    values: ['json', 'gradescope', 'markdown', 'seed', 'stages', 'submission', 'extra-tests', 'base'],
    switches: ['reference'],
  });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  // A grade ignores KATA_SEED: only --seed changes it.
  const seed = flags.get('seed') === 'random' ? Math.floor(Math.random() * 2 ** 31) : seedFlag(flags, () => 1, false);
  const target = flags.has('reference') ? 'reference' : 'learner';
  const stages = stagesFlag(flags.get('stages'));
  const text = (name: string) => flags.get(name) as string | undefined;
  const submission = path.resolve(text('submission') ?? ROOT);
  const base = text('base') ?? 'learner';
  if (base !== 'learner' && base !== 'reference') throw new UsageError('--base must be learner or reference', USAGE);
  const tree = buildTree({ submission, withReference: target === 'reference' || base === 'reference' });
  try {
    const extra = text('extra-tests');
    const heldOut = extra === undefined ? new Set<string>() : addExtraTests(path.resolve(extra), tree.root);
    // The reference's stage 07 already is a safe concurrent store (its lock, its waiting close):
    // on it, a stage 08 that only passes calls through would earn full marks. So stage 08 is
    // always graded on the learner's own stage 07.
    const onOwnBase = (s: StageInfo) => base === 'reference' && s.id === '08';
    const outcomes = [
      ...(await runSuites({ root: tree.root, stages: stages.filter((s) => !onOwnBase(s)), target, seed, showConsole: false, base })),
      ...(await runSuites({ root: tree.root, stages: stages.filter(onOwnBase), target, seed, showConsole: false, base: 'learner' })),
    ].sort((a, b) => a.stage.id.localeCompare(b.stage.id));
    const result = grade(outcomes, target, seed, heldOut, base);
    for (const stage of result.stages) if (stage.id === '08' && stage.base !== undefined) stage.base = 'learner';
    const json = text('json');
    if (json !== undefined) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    const scope = text('gradescope');
    if (scope !== undefined) {
      const durations = new Map(outcomes.flatMap((o) => o.tests.map((t) => [t.id, t.durationMs] as const)));
      writeFileSync(scope, `${JSON.stringify(gradescope(result, durations), null, 2)}\n`);
    }
    const table = markdown(result);
    const md = text('markdown');
    if (md !== undefined) appendFileSync(md, table);
    console.log(table);
    for (const stage of result.stages.filter((s) => s.refused)) console.log(`stage ${stage.id} refused before any test ran:\n  ${stage.refused!.join('\n  ')}\n`);
    const { passed, failed } = countTests(outcomes);
    console.log(`${passed} passed, ${failed} failed`);
    return 0;
  } finally {
    tree.remove();
  }
}

/** "01,02" → those stages, each written; every written stage when absent. */
function stagesFlag(value: string | true | undefined): StageInfo[] {
  if (value === undefined || value === true) return [...READY_STAGES];
  const stages = value.split(',').map((name) => {
    const stage = findStage(name.trim());
    if (stage === undefined) throw new UsageError(`--stages: there is no stage "${name.trim()}"`, USAGE);
    if (stage.status !== 'ready') throw new UsageError(`--stages: stage ${stage.id} (${stage.title}) is not written yet`, USAGE);
    return stage;
  });
  return READY_STAGES.filter((stage) => stages.includes(stage));
}

runMain(main);
