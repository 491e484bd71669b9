// `npx tsx harness/crash.ts`: the kill -9 crash runner. Runs a stage's store in a child
// process, kills it with SIGKILL at a seeded moment, reopens the store and checks that every
// acknowledged write survived and nothing else appeared; N times on one directory. The
// parts live in harness/crash/; --help and docs/crash-runner.md explain it.

import { runMain } from './cli/args.ts';
import { HELP, parseCrashArgs } from './crash/options.ts';
import { summaryLines, tally } from './crash/report.ts';
import { runCrash } from './crash/run.ts';

async function main(): Promise<number> {
  const options = parseCrashArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(HELP);
    return 0;
  }
  const summary = await runCrash(options, (line) => console.log(line));
  for (const line of summaryLines(summary)) console.log(line);
  // A store that leaves a timer or a handle open must not keep the runner from ending.
  setTimeout(() => process.exit(), 2_000).unref();
  return tally(summary).failed === 0 ? 0 : 1;
}

runMain(main);
