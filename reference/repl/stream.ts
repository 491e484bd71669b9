// Runs a session over streams: lines in, answer lines out. Tests pass in-memory streams;
// the CLI passes stdin and stdout, with a prompt only when a person is typing.
//
// Lines are read as bytes (input-lines.ts): a line that is not UTF-8 is answered with one
// ERR line, like any bad line, instead of being decoded into something else. The loop ends at
// `exit`, at the end of the input, when `signal` aborts (the CLI's Ctrl-C) or when the output
// fails (stdout piped into `head -1`, which has exited): then it rejects with OutputError, so
// the caller can close the store and say what happened instead of dying of an EPIPE.

import type { Readable, Writable } from 'node:stream';
import { ParseError } from './command.ts';
import { readLines } from './input-lines.ts';
import { lineText } from './line-text.ts';
import type { Session } from './session.ts';

export interface StreamOptions {
  input: Readable;
  output: Writable;
  /** Written before each line is read, e.g. '> '. Leave it out for piped input. */
  prompt?: string;
  /** Stop reading: the command running finishes, the lines after it do not run. */
  signal?: AbortSignal;
  /** The longest line accepted (default MAX_LINE_BYTES); a longer one rejects with LineTooLongError. */
  maxLineBytes?: number;
}

/** The output stream failed (e.g. EPIPE): the session stopped reading there. */
export class OutputError extends Error {
  constructor(readonly failure: Error) {
    super(`the output was closed (${failure.message})`);
    this.name = 'OutputError';
  }
}

export async function runSession(session: Session, { input, output, prompt, signal, maxLineBytes }: StreamOptions): Promise<void> {
  // Stops the reader at once, whether the caller aborts or the output fails.
  const stop = new AbortController();
  let outputFailure: Error | undefined;
  const onOutputError = (error: Error) => {
    outputFailure ??= error;
    stop.abort();
  };
  const onAbort = () => stop.abort();
  output.on('error', onOutputError);
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) stop.abort();
  const write = (text: string) => {
    if (outputFailure === undefined && !output.destroyed) output.write(text);
  };
  try {
    if (prompt !== undefined) write(prompt);
    for await (const line of readLines(input, { signal: stop.signal, ...(maxLineBytes === undefined ? {} : { maxLineBytes }) })) {
      for (const answer of await answerLine(session, line.bytes, line.number)) write(`${answer}\n`);
      // A failed write marks the stream at once but reports on a later tick: look now, so
      // that no command runs after the one whose answer could not be written.
      if (output.errored) onOutputError(output.errored);
      if (session.closed || stop.signal.aborted) break;
      if (prompt !== undefined) write(prompt);
    }
    // A write's failure is reported on a later tick: give the last one the chance to show.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    output.off('error', onOutputError);
    signal?.removeEventListener('abort', onAbort);
  }
  const failure = outputFailure ?? output.errored ?? undefined;
  if (failure !== undefined) throw new OutputError(failure);
}

/** A line that is not UTF-8 gets its ERR line here; the session answers every other line. */
async function answerLine(session: Session, bytes: Uint8Array, lineNumber: number): Promise<string[]> {
  let text: string;
  try {
    text = lineText(bytes, lineNumber);
  } catch (error) {
    if (error instanceof ParseError) return [`ERR column ${error.column}: ${error.message}`];
    throw error;
  }
  return session.execute(text);
}
