// `npm run reset -- NN [--yes]`: restores a stage's starter (harness/reset.ts does the work;
// this file reads the arguments and asks before overwriting anything).

import { createInterface } from 'node:readline/promises';
import { applyReset, describePlan, planReset } from '../reset.ts';
import { describeStages, findStage } from '../stages.ts';
import { parseArgs, runMain, UsageError } from './args.ts';

const HELP = `npm run reset -- NN [--yes]     put stage NN's starter back

Overwrites stages/NN-slug/index.ts with the starter as the course ships it (kept in
harness/starters/), after saying what it overwrites and asking. Your version is kept in
.kata/backups/. Other files you added beside it are left alone (it lists them).

options:
  --yes      do not ask
  --help     this text

stages:
${describeStages()}`;

async function main(): Promise<number> {
  const { words, flags } = parseArgs(process.argv.slice(2), { usage: 'npm run reset -- NN [--yes]', values: [], switches: ['yes'], words: true });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const names = words[0] === 'stage' ? words.slice(1) : words;
  if (names.length !== 1) throw new UsageError('name one stage: npm run reset -- 03 (npm run reset -- --help)');
  const stage = findStage(names[0]!);
  if (stage === undefined) throw new UsageError(`there is no stage "${names[0]}"`);
  if (stage.status !== 'ready') throw new UsageError(`stage ${stage.id} is not written yet: it has no starter`);
  const plan = planReset(stage);
  for (const line of describePlan(plan)) console.log(line);
  if (plan.unchanged) return 0;
  if (!flags.has('yes') && !(await confirm(`Reset ${plan.starter}? [y/N] `))) {
    console.log('Nothing changed.');
    return 1;
  }
  const backup = applyReset(plan);
  console.log(`${plan.starter} is the starter again${backup ? `; your version is in ${backup}` : ''}. Run npm test -- stage ${stage.id}.`);
  return 0;
}

/** Asks on stdin; only "y" or "yes" is a yes, and an input that ends without an answer is a no. */
async function confirm(question: string): Promise<boolean> {
  const input = createInterface({ input: process.stdin, output: process.stdout });
  const ended = new Promise<string>((resolve) => input.once('close', () => resolve('')));
  try {
    const answer = await Promise.race([input.question(question), ended]);
    if (!process.stdin.isTTY) console.log(''); // a piped answer is not echoed: end the question's line
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    input.close();
  }
}

runMain(main);
