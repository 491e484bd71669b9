// `npm run grade`: grades the learner's code on every written stage. Prints a markdown table
// and the closing count; writes JSON for graders that want it. Exits 0 whenever a grade was
// produced, failing tests included: a grade is a result, not an error.

import { appendFileSync, writeFileSync } from 'node:fs';
import { grade, gradescope, markdown } from '../grading.ts';
import { countTests, runSuites } from '../runner/run-suites.ts';
import { READY_STAGES } from '../stages.ts';
import { parseArgs, runMain, seedFlag } from './args.ts';

const HELP = `npm run grade -- [options]

Grades stages/ (your code) on every written stage: per stage, tests passed and a score out
of 10. The same code and seed always give the same grade.

options:
  --json FILE         write the grade as JSON (per stage and per test)
  --gradescope FILE   write Gradescope's autograder results.json
  --markdown FILE     append the markdown table (e.g. "$GITHUB_STEP_SUMMARY")
  --seed N            seed for the random tests (default 1)
  --reference         grade the reference instead (a sanity check: full marks)`;

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), ['json', 'gradescope', 'markdown', 'seed']);
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const seed = seedFlag(flags, () => 1, false); // a grade ignores KATA_SEED: only --seed changes it
  const target = flags.has('reference') ? 'reference' : 'learner';
  const outcomes = await runSuites({ stages: READY_STAGES, target, seed, showConsole: false });
  const result = grade(outcomes, target, seed);
  const json = flags.get('json');
  if (typeof json === 'string') writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  const scope = flags.get('gradescope');
  if (typeof scope === 'string') writeFileSync(scope, `${JSON.stringify(gradescope(result), null, 2)}\n`);
  const table = markdown(result);
  const md = flags.get('markdown');
  if (typeof md === 'string') appendFileSync(md, table);
  console.log(table);
  const { passed, failed } = countTests(outcomes);
  console.log(`${passed} passed, ${failed} failed`);
  return 0;
}

runMain(main);
