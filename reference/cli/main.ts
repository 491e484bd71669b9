// `npm start`: the reference engine as a REPL on stdin and stdout, on a data directory that
// survives restarts (app.ts is the program; this file wires it to the process). By default
// the full engine: the LSM tree behind its write-ahead log, with transactions (BEGIN, COMMIT,
// ROLLBACK), every OK durable. Prompts and a banner only when a person is typing.
//
// Signals: the first SIGINT, SIGTERM or SIGHUP stops reading; the command running finishes,
// the store is closed (without a write-ahead log, that close is what makes the writes
// durable) and the directory freed, and the exit code is 128 + the signal's number. A second
// signal exits at once, without closing, saying what that may cost.

import { constants } from 'node:os';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { runCli } from './app.ts';
import { atRisk } from './open-store.ts';
import { parseOptions } from './options.ts';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const argv = process.argv.slice(2);
const stop = new AbortController();

// Writing to a closed pipe (stdout into `head -1`, stderr of a closed terminal) must not kill
// the process before the store is closed: runSession notices stdout's failure and stops.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
process.stdin.on('error', () => undefined);

for (const name of SIGNALS) {
  process.on(name, () => {
    if (!stop.signal.aborted) {
      // At a terminal the line starts after the prompt and the ^C the terminal echoed.
      const newline = process.stdin.isTTY === true ? '\n' : '';
      process.stderr.write(`${newline}${name}: closing the store (${name === 'SIGINT' ? 'Ctrl-C' : 'a signal'} again exits without closing)\n`);
      stop.abort(name);
      return;
    }
    const options = parseOptions(argv);
    const risk = typeof options === 'string' ? '' : `; ${atRisk(options)}`;
    process.stderr.write(`${name} again: exiting without closing the store${risk}; its LOCK names this process, and the next open takes it over\n`);
    process.exit(128 + constants.signals[name]);
  });
}

runCli(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, fs: nodeFileSystem, interactive: process.stdin.isTTY === true, signal: stop.signal })
  .catch((error: unknown) => {
    process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  })
  .then((code) => {
    process.exitCode = code;
    // The store is closed: nothing of ours needs the event loop. Should something still hold
    // it open (a terminal's stdin), exit anyway, after a grace period for pending output.
    setTimeout(() => process.exit(code), 1000).unref();
  });
