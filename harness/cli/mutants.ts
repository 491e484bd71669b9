// `npm run mutants`: runs every mutant against its stage's suite and prints who killed it.

import { runMutants, mutantTable } from '../mutants/run-mutants.ts';
import { parseArgs, runMain, seedFlag } from './args.ts';

const HELP = `npm run mutants [-- --stage NN] [--seed N]

Applies each classic bug in harness/mutants/catalogue.ts to a copy of reference/ and runs
its stage's suite. Every mutant must be killed (some test must fail). Seed defaults to 1.`;

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), ['stage', 'seed']);
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const stage = flags.get('stage');
  const seed = seedFlag(flags, () => 1);
  const outcomes = await runMutants(seed, typeof stage === 'string' ? [stage.padStart(2, '0')] : undefined);
  console.log(mutantTable(outcomes));
  const killed = outcomes.filter((o) => o.killed).length;
  console.log(`\n${killed} passed, ${outcomes.length - killed} failed`);
  return killed === outcomes.length ? 0 : 1;
}

runMain(main);
