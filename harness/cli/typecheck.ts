// `npm run typecheck`: tsc --noEmit over the course. In a learner's starter repository, which
// has no reference/, the parts that exist only to run or measure the reference (bench/, the
// harness's own tests) are left out (tsconfig.learner.json), so the learner's code, the
// contracts, the suites and the harness are still checked.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../stages.ts';
import { parseArgs, runMain } from './args.ts';

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), { usage: 'npm run typecheck', values: [], switches: [] });
  if (flags.has('help')) {
    console.log('npm run typecheck\n\ntsc --noEmit over stages/, tests/, harness/ (and reference/ and bench/ when reference/ is there).');
    return 0;
  }
  const project = existsSync(path.join(ROOT, 'reference')) ? 'tsconfig.json' : 'tsconfig.learner.json';
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', path.join(ROOT, project)], { stdio: 'inherit' });
  return tsc.status ?? 1;
}

runMain(main);
