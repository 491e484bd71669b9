// `npm start` as a function: options in, exit code out, with stdin, stdout, stderr, the file
// system and the "stop now" signal passed in, so tests run it over the simulated disk and
// main.ts wires it to the process. However a session ends — exit, end of input, a signal, an
// output that closed, a line too long — the store is closed and the directory freed before it
// returns, and anything that went wrong is one line on stderr, never a stack trace.

import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { FileSystem } from '../../stages/file-system.ts';
import { LineTooLongError } from '../repl/input-lines.ts';
import { Session } from '../repl/session.ts';
import { OutputError, runSession } from '../repl/stream.ts';
import { atRisk, describe, type OpenStore, openStore } from './open-store.ts';
import { parseOptions, USAGE, USAGE_LINE } from './options.ts';
import { runRepair } from './repair.ts';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  fs: FileSystem;
  /** A person is typing: a banner and a prompt, and leaving a transaction open is not an error. */
  interactive: boolean;
  /** Aborted on SIGINT, SIGTERM or SIGHUP, with the signal's name as reason: finish the command running, close, return. */
  signal?: AbortSignal;
}

/** The exit code of a run stopped by a signal: 128 + the signal's number, as a shell reports it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv[0] === 'repair') {
    const dir = argv[1] === '--dir' && argv.length === 3 ? argv[2] : undefined;
    if (dir === undefined || dir.startsWith('-')) {
      say(`usage: npm start -- repair --dir PATH (--help says more)`);
      return 2;
    }
    return runRepair(dir, io);
  }
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    say(`${options}\n${USAGE_LINE} (--help lists the options)`);
    return 2;
  }
  const where = path.resolve(options.dir);
  let opened: OpenStore;
  try {
    opened = await openStore(options, io.fs);
  } catch (error) {
    say(`cannot open the store in ${where}: ${messageOf(error)}`);
    return 1;
  }
  if (io.interactive) io.stdout.write(`dbkata reference engine (${describe(options)}) — ${where}\nType help for the commands, exit to leave.\n`);
  const session = new Session(opened.store, { timings: options.timings });
  let code = await converse(session, io);
  if (await session.abandonTransaction().catch(() => true)) {
    say('a transaction was still open: its staged writes were rolled back, not committed (COMMIT before leaving keeps them)');
    if (code === 0 && !io.interactive) code = 1;
  }
  try {
    await opened.close();
  } catch (error) {
    say(`could not close the store in ${where} cleanly: ${messageOf(error)}; ${atRisk(options)}`);
    return code === 0 ? 1 : code;
  }
  return code;
}

/** Runs the session; the exit code its ending calls for, having said why on stderr (a signal main.ts announced already). */
async function converse(session: Session, io: CliIo): Promise<number> {
  const signalCode = () => (io.signal?.aborted ? (SIGNAL_EXIT_CODES[String(io.signal.reason)] ?? 130) : undefined);
  try {
    await runSession(session, { input: io.stdin, output: io.stdout, ...(io.interactive ? { prompt: '> ' } : {}), ...(io.signal ? { signal: io.signal } : {}) });
  } catch (error) {
    if (error instanceof LineTooLongError) io.stderr.write(`${error.message} (a put of a 1 KiB key and a 1 MiB value, every byte escaped); stopped there without running it\n`);
    else if (error instanceof OutputError) io.stderr.write(`${error.message}: stopped reading commands\n`);
    else io.stderr.write(`stopped reading commands: ${messageOf(error)}\n`);
    return signalCode() ?? 1;
  }
  return signalCode() ?? 0;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
