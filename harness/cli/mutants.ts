// `npm run mutants`: runs every mutant against its stage's suite and prints who killed it.

import { runMutants, mutantTable } from '../mutants/run-mutants.ts';
import { MUTANTS } from '../mutants/catalogue.ts';
import { findStage } from '../stages.ts';
import { parseArgs, runMain, seedFlag, UsageError } from './args.ts';

const USAGE = 'npm run mutants [-- --stage NN] [--only ID,ID…] [--seed N]';

const HELP = `${USAGE}

Applies each classic bug in harness/mutants/catalogue.ts to a copy of reference/ and runs
its stage's suite. Every mutant must be killed (some test must fail). Seed defaults to 1.
--only runs just the mutants named (their ids are the first column of the table).`;

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), { usage: USAGE, values: ['stage', 'seed', 'only'], switches: [] });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const stageFlag = flags.get('stage');
  const stage = typeof stageFlag === 'string' ? findStage(stageFlag) : undefined;
  if (typeof stageFlag === 'string' && stage === undefined) throw new UsageError(`there is no stage "${stageFlag}"`);
  if (stage !== undefined && !MUTANTS.some((m) => m.stage === stage.id)) throw new UsageError(`stage ${stage.id} has no mutants yet`);
  const onlyFlag = flags.get('only');
  const only = typeof onlyFlag === 'string' ? onlyFlag.split(',').map((id) => id.trim()) : undefined;
  const unknown = only?.filter((id) => !MUTANTS.some((m) => m.id === id)) ?? [];
  if (unknown.length > 0) throw new UsageError(`there is no mutant ${unknown.map((id) => `"${id}"`).join(', ')}`);
  const seed = seedFlag(flags, () => 1, false);
  const outcomes = await runMutants(seed, stage ? [stage.id] : undefined, only);
  console.log(mutantTable(outcomes));
  const killed = outcomes.filter((o) => o.killed).length;
  console.log(`\n${killed} passed, ${outcomes.length - killed} failed`);
  return killed === outcomes.length ? 0 : 1;
}

runMain(main);
