// `npm start`'s command line: the options, their parser, and the --help text — which also says
// what an OK promises in each mode, so that nobody has to read the engine to find out.

import { HELP_LINES } from '../repl/help.ts';
import type { EngineKind } from '../storage/engine-file.ts';

export const USAGE_LINE = 'usage: npm start [-- options]';

export const USAGE = `${USAGE_LINE}

The dbkata reference engine as a REPL. Type commands, one per line; pipe a script in to run
it without a terminal:  printf 'put a 1\\nget a\\n' | npm start --silent

options:
  --dir PATH      data directory (default ./data; created if missing)
  --engine E      lsm (default) or btree: the stage 05 index behind the stage 06 write-ahead
                  log; or log, the stage 04 log store
  --sync MODE     lsm and btree: commit (default) or window; log: batch (default) or always
  --window MS     the window of --sync window (default 10)
  --no-wal        lsm and btree without the write-ahead log
  --memory MIB    memory budget of the lsm and btree engines (default 8)
  --no-timings    do not append the elapsed time to answers
  --help          this text

npm start -- repair --dir PATH
                  rebuilds a lost or damaged LSM manifest from the tables' own footers
                  (open refuses such a directory and says so); sets damaged tables aside
                  and deletes nothing

What an OK promises:
  --sync commit   on disk (fsynced) before OK: it survives kill -9 and a power cut;
                  concurrent writes share an fsync
  --sync window   in the log file before OK: it survives kill -9; a power cut may lose the
                  OKs of the last --window ms (the fsync that covers them comes within it)
  --no-wal        in memory only: on disk after the next flush, a clean exit, or a flush
                  the lsm makes itself when its memtable fills; kill -9 or a power cut loses
                  the rest
  --engine log    on disk before OK, in both modes (batch shares fsyncs, always does not)

Leaving: exit, the end of the input, or SIGINT (Ctrl-C), SIGTERM or SIGHUP close the store
(flushing it) and free the directory; after a signal the exit code is 128 + its number (130
for Ctrl-C). A second signal exits at once without closing: with --no-wal, what was not yet
flushed is lost. A transaction still open is rolled back, saying so (exit code 1 when the
input is not a terminal). Lines must be UTF-8 (write other bytes as \\xHH inside quotes); a
line longer than any command can be, an output that closes (| head -1) or a store that
fails to close ends the session with one line on stderr and exit code 1.

${HELP_LINES.join('\n')}`;

export interface Options {
  dir: string;
  engine: EngineKind;
  sync: string | undefined;
  windowMs: number;
  wal: boolean;
  memoryBudget: number;
  timings: boolean;
}

const TAKES_VALUE = new Set(['--dir', '--engine', '--sync', '--window', '--memory']);

/** The options, or the message that refuses them. */
export function parseOptions(argv: readonly string[]): Options | string {
  const options: Options = { dir: 'data', engine: 'lsm', sync: undefined, windowMs: 10, wal: true, memoryBudget: 8 * 2 ** 20, timings: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-timings') options.timings = false;
    else if (arg === '--no-wal') options.wal = false;
    else if (!TAKES_VALUE.has(arg)) return `unknown option ${arg}`;
    else {
      const value = argv[++i];
      // `--dir --no-timings` means a forgotten value, not a directory named --no-timings.
      // (A directory whose name starts with - is still reachable: --dir ./-name.)
      if (value === undefined) return `${arg} needs a value`;
      if (value.startsWith('-') && Number.isNaN(Number(value))) return `${arg} needs a value, got the option ${value}`;
      if (arg === '--dir') options.dir = value;
      else if (arg === '--engine') {
        if (value !== 'lsm' && value !== 'btree' && value !== 'log') return `--engine ${value}: expected lsm, btree or log`;
        options.engine = value;
      } else if (arg === '--memory') {
        if (!(Number(value) > 0)) return `--memory ${value}: expected a number of MiB > 0`;
        options.memoryBudget = Number(value) * 2 ** 20;
      } else if (arg === '--window') {
        if (!(Number(value) >= 0)) return `--window ${value}: expected a number of milliseconds >= 0`;
        options.windowMs = Number(value);
      } else options.sync = value;
    }
  }
  const modes = options.engine === 'log' ? ['batch', 'always'] : ['commit', 'window'];
  if (options.sync !== undefined && !modes.includes(options.sync)) return `--sync ${options.sync}: the ${options.engine} engine takes ${modes.join(' or ')}`;
  return options;
}
