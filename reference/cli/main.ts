// `npm start`: the reference engine as a REPL on stdin and stdout, on a data directory that
// survives restarts. By default the full engine: the LSM tree behind its write-ahead log,
// with transactions (BEGIN, COMMIT, ROLLBACK), every OK durable. Prompts and a banner only
// when a person is typing; piped input gets answers only.

import path from 'node:path';
import type { SyncPolicy } from '../log/group-commit.ts';
import { HELP_LINES } from '../repl/help.ts';
import { Session } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';
import { runRepair } from './repair.ts';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { createDirectory } from '../storage/directory.ts';
import { claimDirectory } from '../storage/engine-file.ts';
import { DirectoryLock } from '../store/dir-lock.ts';
import { LogStore } from '../store/log-store.ts';
import { openEngine as openIndex } from '../stages/05.ts';
import { TxStore } from '../txn/txn-store.ts';

const USAGE = `usage: npm start [-- options]

The dbkata reference engine as a REPL. Type commands, one per line; pipe a script in to run
it without a terminal:  printf 'put a 1\\nget a\\n' | npm start --silent

options:
  --dir PATH      data directory (default ./data; created if missing)
  --engine E      lsm (default) or btree: the stage 05 index behind the stage 06 write-ahead
                  log; or log, the stage 04 log store
  --sync MODE     lsm and btree: commit (default; every OK is durable, concurrent writes share
                  an fsync) or window (OK once written, durable within --window ms);
                  log: batch (default) or always
  --window MS     the window of --sync window (default 10)
  --no-wal        lsm and btree without the log: writes durable at flush, checkpoint and exit
  --memory MIB    memory budget of the lsm and btree engines (default 8)
  --no-timings    do not append the elapsed time to answers
  --help          this text

npm start -- repair --dir PATH   rebuilds a lost or damaged LSM manifest from the tables'
                  own footers (open refuses such a directory and says so); deletes nothing

${HELP_LINES.join('\n')}`;

interface Options {
  dir: string;
  engine: 'lsm' | 'btree' | 'log';
  sync: string | undefined;
  windowMs: number;
  wal: boolean;
  memoryBudget: number;
  timings: boolean;
}

/** The options, or the message that refuses them. */
function parseOptions(argv: string[]): Options | string {
  const options: Options = { dir: 'data', engine: 'lsm', sync: undefined, windowMs: 10, wal: true, memoryBudget: 8 * 2 ** 20, timings: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--no-timings') options.timings = false;
    else if (arg === '--no-wal') options.wal = false;
    else if (arg === '--dir' && value !== undefined) options.dir = argv[++i]!;
    else if (arg === '--engine' && (value === 'lsm' || value === 'btree' || value === 'log')) options.engine = argv[++i] as Options['engine'];
    else if (arg === '--memory' && Number(value) > 0) options.memoryBudget = Number(argv[++i]) * 2 ** 20;
    else if (arg === '--window' && Number(value) >= 0) options.windowMs = Number(argv[++i]);
    else if (arg === '--sync' && value !== undefined) options.sync = argv[++i];
    else return `unknown option ${arg}${value !== undefined && arg?.startsWith('--') ? ` ${value}` : ''}`;
  }
  const modes = options.engine === 'log' ? ['batch', 'always'] : ['commit', 'window'];
  if (options.sync !== undefined && !modes.includes(options.sync)) return `--sync ${options.sync}: the ${options.engine} engine takes ${modes.join(' or ')}`;
  return options;
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'repair') {
    const dir = argv[1] === '--dir' && argv.length === 3 ? argv[2] : undefined;
    if (dir === undefined || dir.startsWith('--')) {
      console.error(`usage: npm start -- repair --dir PATH\n\n${USAGE}`);
      return 2;
    }
    return runRepair(dir);
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    console.error(`${options}\n\n${USAGE}`);
    return 2;
  }
  let store: Awaited<ReturnType<typeof openStore>>;
  // The write-ahead-logged store takes the directory's lock itself (stage 08); the stage 04 log
  // and a bare index do not, so the REPL takes it for them: two REPLs never share a directory.
  let lock: DirectoryLock | undefined;
  try {
    if (options.engine === 'log' || !options.wal) {
      await createDirectory(nodeFileSystem, options.dir);
      lock = await DirectoryLock.acquire(nodeFileSystem, options.dir);
    }
    store = await openStore(options);
  } catch (error) {
    await lock?.release();
    console.error(`cannot open the store in ${path.resolve(options.dir)}: ${(error as Error).message}`);
    return 1;
  }
  const interactive = process.stdin.isTTY === true;
  if (interactive) {
    console.log(`dbkata reference engine (${describe(options)}) — ${path.resolve(options.dir)}`);
    console.log('Type help for the commands, exit to leave.');
  }
  const session = new Session(store, { timings: options.timings });
  await runSession(session, { input: process.stdin, output: process.stdout, ...(interactive ? { prompt: '> ' } : {}) });
  await store.close();
  await lock?.release();
  return 0;
}

function describe({ engine, wal, sync, windowMs }: Options): string {
  if (engine === 'log') return `stage 04 log, sync ${sync ?? 'batch'}`;
  if (!wal) return `${engine}, no write-ahead log`;
  return `${engine} + write-ahead log, sync ${sync === 'window' ? `window ${windowMs} ms` : 'commit'}`;
}

/** The store behind the REPL: the stage 04 log, a stage 05 index, or one behind the stage 06 log with stage 07's transactions. */
async function openStore({ dir, engine, sync, windowMs, wal, memoryBudget }: Options) {
  if (engine === 'log') {
    // The stage 04 log keeps its directory to its log files (its spec says so); the REPL records the engine for it.
    const claim = await claimDirectory(nodeFileSystem, dir, { engine: 'log', logged: false });
    const store = await LogStore.open({ dir, sync: (sync ?? 'batch') as SyncPolicy });
    await claim.confirm();
    return store;
  }
  process.env.KATA_ENGINE = engine;
  if (!wal) return openIndex({ dir, memoryBudget });
  return TxStore.open({ dir, memoryBudget, sync: sync === 'window' ? 'window' : 'commit', syncWindowMs: windowMs }, openIndex);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
