// `npm start`: the reference engine as a REPL on stdin and stdout, on a data directory that
// survives restarts (the stage 04 log store: every write is durable when it answers OK).
// Prompts and a banner only when a person is typing; piped input gets answers only.

import path from 'node:path';
import type { SyncPolicy } from '../log/group-commit.ts';
import { HELP_LINES } from '../repl/help.ts';
import { Session } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';
import { LogStore } from '../store/log-store.ts';

const USAGE = `usage: npm start [-- options]

The dbkata reference engine as a REPL. Type commands, one per line; pipe a script in to run
it without a terminal:  printf 'put a 1\\nget a\\n' | npm start --silent

options:
  --dir PATH      data directory (default ./data; created if missing)
  --sync MODE     batch (default: concurrent writes share an fsync) or always
  --no-timings    do not append the elapsed time to answers
  --help          this text

${HELP_LINES.join('\n')}`;

async function main(argv: string[]): Promise<number> {
  let dir = 'data';
  let timings = true;
  let sync: SyncPolicy = 'batch';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    } else if (arg === '--no-timings') {
      timings = false;
    } else if (arg === '--dir' && argv[i + 1] !== undefined) {
      dir = argv[++i]!;
    } else if (arg === '--sync' && (argv[i + 1] === 'batch' || argv[i + 1] === 'always')) {
      sync = argv[++i] as SyncPolicy;
    } else {
      console.error(`unknown option ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  let store: LogStore;
  try {
    store = await LogStore.open({ dir, sync });
  } catch (error) {
    console.error(`cannot open the store in ${path.resolve(dir)}: ${(error as Error).message}`);
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    const { keys, file } = await store.stats();
    console.log(`dbkata reference engine — ${path.resolve(dir)} (${file}, ${keys} keys, sync ${sync})`);
    console.log('Type help for the commands, exit to leave.');
  }
  const session = new Session(store, { timings });
  await runSession(session, { input: process.stdin, output: process.stdout, ...(interactive ? { prompt: '> ' } : {}) });
  await store.close();
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
