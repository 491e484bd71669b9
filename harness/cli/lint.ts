// `npm run lint`: prints the project's lint problems as file:line: rule: message.

import { lint } from '../lint.ts';
import { parseArgs, runMain } from './args.ts';

const HELP = `npm run lint

The project's rules: tests see only contracts, learner code imports only stages/ (a stage
importing reference/, harness/, tests/ or bench/ is refused), the reference stands alone, its
folders are layers whose imports point down and it defines each type once (harness/lint-layers.ts),
file headers, unique test ids, cited spec sections exist. Prints file:line: rule: message.`;

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), { usage: 'npm run lint', values: [], switches: [] });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const problems = lint();
  for (const p of problems) console.log(`${p.file}:${p.line}: ${p.rule}: ${p.message}`);
  console.log(problems.length === 0 ? 'lint: no problems' : `lint: ${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

runMain(main);
