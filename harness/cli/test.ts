// `npm test`: runs stage suites against the learner's code (or the reference) and prints
// what a learner needs: every test of the stage, each failure in full, a closing count.

import { countTests, runSuites } from '../runner/run-suites.ts';
import { stageReport, tableReport } from '../runner/report.ts';
import { type Engine, ENGINES, READY_STAGES, type StageInfo, STAGES, describeStages, findStage } from '../stages.ts';
import { parseArgs, runMain, seedFlag, UsageError } from './args.ts';

const USAGE = 'npm test -- [stage NN] [--previous] [--only ID] [--reference] [--engine E] [--seed N]';

const HELP = `npm test -- [stage] NN [options]     run a stage's suite against your code

  npm test                        every stage, as a table
  npm test -- stage 01            stage 01 (also: npm test -- 1, npm test -- 01)
  npm test -- stage 02 --previous stage 02 and every stage before it (catch regressions)
  npm test -- stage 02 --only 02-S03   one test, by the id printed beside it
  npm test -- stage 02 --reference     against the reference engine instead of your code
  npm test -- stage 05 --reference --engine btree   the reference's B+tree (default: lsm)
  npm test -- stage 07 --base reference   your stage 07 on the reference's stage 06

options:
  --reference        test reference/ instead of stages/ (same as KATA_TARGET=reference)
  --previous         also run every earlier stage
  --only ID          run one test
  --engine E         with --reference, from stage 05 on: lsm (default) or btree
  --base B           for a stage built on an earlier one (04 on 02, 06 on 05, 07 on 06,
                     08 on 07): whose earlier stage it gets, learner (yours, the default) or
                     reference (start here without writing the earlier stages; same as
                     KATA_BASE=reference). With --engine, the reference base uses that engine
  --seed N           seed for the random tests (same as KATA_SEED=N); printed after every run
  --help             this text

stages:
${describeStages()}`;

async function main(): Promise<number> {
  const { words, flags } = parseArgs(process.argv.slice(2), { usage: USAGE, values: ['only', 'seed', 'engine', 'base'], switches: ['reference', 'previous'], words: true });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const target = flags.has('reference') || process.env.KATA_TARGET === 'reference' ? 'reference' : 'learner';
  const onlyFlag = flags.get('only');
  const only = typeof onlyFlag === 'string' ? onlyFlag.toUpperCase() : onlyFlag;
  const named = words.filter((w) => w.toLowerCase() !== 'stage');
  if (named.length > 1) throw new UsageError(`one stage at a time, got ${named.join(' ')} (use --previous for earlier ones)`);
  let stageName = named[0];
  if (stageName === undefined && typeof only === 'string') stageName = only.slice(0, 2);
  let stages: StageInfo[];
  if (stageName === undefined) {
    stages = [...READY_STAGES];
  } else {
    const stage = findStage(stageName);
    if (stage === undefined) throw new UsageError(`there is no stage "${stageName}". The stages are:\n${describeStages()}`);
    if (stage.status !== 'ready') throw new UsageError(`stage ${stage.id} (${stage.title}) is not written yet. The stages are:\n${describeStages()}`);
    stages = flags.has('previous') ? READY_STAGES.filter((s) => s.id <= stage.id) : [stage];
  }
  const seed = seedFlag(flags, () => Math.floor(Math.random() * 2 ** 31));
  const engineFlag = flags.get('engine');
  if (engineFlag !== undefined && !ENGINES.includes(engineFlag as Engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}`);
  const engine = engineFlag as Engine | undefined;
  const baseFlag = flags.get('base') ?? (process.env.KATA_BASE || undefined);
  if (baseFlag !== undefined && baseFlag !== 'learner' && baseFlag !== 'reference') throw new UsageError('--base must be learner or reference');
  const base = baseFlag as 'learner' | 'reference' | undefined;
  const started = performance.now();
  const outcomes = await runSuites({ stages, target, seed, ...(typeof only === 'string' ? { only } : {}), ...(engine ? { engine } : {}), ...(base ? { base } : {}) });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  if (stages.length === 1) {
    console.log(stageReport(outcomes[0]!, target));
  } else if (stageName !== undefined) {
    console.log(outcomes.map((o) => stageReport(o, target)).join('\n\n'));
  } else {
    const planned = STAGES.filter((s) => s.status === 'planned').map((stage) => ({ stage, tests: [], loadErrors: [] }));
    console.log(tableReport([...outcomes, ...planned], target));
  }
  const { passed, failed } = countTests(outcomes);
  if (typeof only === 'string' && passed + failed === 0) throw new UsageError(`no test has the id ${only}; the ids are printed beside each test by npm test -- stage ${only.slice(0, 2)}`);
  console.log(`\nseed ${seed} (KATA_SEED=${seed} replays this run) · ${seconds}s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

runMain(main);
