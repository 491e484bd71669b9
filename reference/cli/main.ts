// `npm start`: the reference engine as a REPL on stdin and stdout, on a data directory that
// survives restarts (the stage 04 log store: every write is durable when it answers OK).
// Prompts and a banner only when a person is typing; piped input gets answers only.

import path from 'node:path';
import type { SyncPolicy } from '../log/group-commit.ts';
import { HELP_LINES } from '../repl/help.ts';
import { Session } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';
import { LogStore } from '../store/log-store.ts';
import { stage as stage05 } from '../stages/05.ts';

const USAGE = `usage: npm start [-- options]

The dbkata reference engine as a REPL. Type commands, one per line; pipe a script in to run
it without a terminal:  printf 'put a 1\\nget a\\n' | npm start --silent

options:
  --dir PATH      data directory (default ./data; created if missing)
  --engine E      log (default: the stage 04 log store, every OK durable), or the stage 05
                  index engines lsm or btree (writes durable at flush and exit; stage 06
                  puts a write-ahead log in front of them)
  --memory MIB    memory budget of the lsm and btree engines (default 8)
  --sync MODE     batch (default: concurrent writes share an fsync) or always
  --no-timings    do not append the elapsed time to answers
  --help          this text

${HELP_LINES.join('\n')}`;

async function main(argv: string[]): Promise<number> {
  let dir = 'data';
  let timings = true;
  let sync: SyncPolicy = 'batch';
  let engine = 'log';
  let memoryMiB = 8;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      return 0;
    } else if (arg === '--no-timings') {
      timings = false;
    } else if (arg === '--dir' && argv[i + 1] !== undefined) {
      dir = argv[++i]!;
    } else if (arg === '--engine' && ['log', 'lsm', 'btree'].includes(argv[i + 1] ?? '')) {
      engine = argv[++i]!;
    } else if (arg === '--memory' && Number(argv[i + 1]) > 0) {
      memoryMiB = Number(argv[++i]);
    } else if (arg === '--sync' && (argv[i + 1] === 'batch' || argv[i + 1] === 'always')) {
      sync = argv[++i] as SyncPolicy;
    } else {
      console.error(`unknown option ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  let store: Awaited<ReturnType<typeof openEngine>>;
  try {
    store = await openEngine(engine, dir, sync, memoryMiB * 1024 * 1024);
  } catch (error) {
    console.error(`cannot open the store in ${path.resolve(dir)}: ${(error as Error).message}`);
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    console.log(`dbkata reference engine (${engine}) — ${path.resolve(dir)}`);
    console.log('Type help for the commands, exit to leave.');
  }
  const session = new Session(store, { timings });
  await runSession(session, { input: process.stdin, output: process.stdout, ...(interactive ? { prompt: '> ' } : {}) });
  await store.close();
  return 0;
}

/** The store behind the REPL: the stage 04 log, or a stage 05 engine. */
async function openEngine(engine: string, dir: string, sync: SyncPolicy, memoryBudget: number) {
  if (engine === 'log') return LogStore.open({ dir, sync });
  process.env.KATA_ENGINE = engine;
  return stage05.openStore({ dir, memoryBudget });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
