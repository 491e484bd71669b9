// `npm start`: the reference engine as a REPL on stdin and stdout. Prompts and a banner only
// when a person is typing; piped input gets answers only, so scripts can drive it.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HELP_LINES } from '../repl/help.ts';
import { Session } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';
import { MemoryStore } from '../store/memory-store.ts';

const USAGE = `usage: npm start [-- options]

The dbkata reference engine as a REPL. Type commands, one per line; pipe a script in to run
it without a terminal:  printf 'put a 1\\nget a\\n' | npm start --silent

options:
  --dir PATH      data directory (default ./data; created if missing)
  --no-timings    do not append the elapsed time to answers
  --help          this text

${HELP_LINES.join('\n')}`;

function main(argv: string[]): number {
  let dir = 'data';
  let timings = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    } else if (arg === '--no-timings') {
      timings = false;
    } else if (arg === '--dir' && argv[i + 1] !== undefined) {
      dir = argv[++i]!;
    } else {
      console.error(`unknown option ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  mkdirSync(dir, { recursive: true });
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    console.log(`dbkata reference engine — data directory ${path.resolve(dir)}`);
    console.log('The store lives in memory until stage 03 adds persistence. Type help for the commands, exit to leave.');
  }
  const session = new Session(new MemoryStore(), { timings });
  void runSession(session, { input: process.stdin, output: process.stdout, ...(interactive ? { prompt: '> ' } : {}) });
  return 0;
}

process.exitCode = main(process.argv.slice(2));
