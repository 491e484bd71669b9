// Runs a session over streams: lines in, answer lines out. Tests pass in-memory streams;
// the CLI passes stdin and stdout, with a prompt only when a person is typing.

import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Session } from './session.ts';

export interface StreamOptions {
  input: Readable;
  output: Writable;
  /** Written before each line is read, e.g. '> '. Leave it out for piped input. */
  prompt?: string;
}

export async function runSession(session: Session, { input, output, prompt }: StreamOptions): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  if (prompt !== undefined) output.write(prompt);
  try {
    for await (const line of lines) {
      for (const answer of await session.execute(line)) output.write(`${answer}\n`);
      if (session.closed) break;
      if (prompt !== undefined) output.write(prompt);
    }
  } finally {
    lines.close();
  }
}
