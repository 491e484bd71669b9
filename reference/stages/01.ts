// The reference engine seen through stage 01's contract: the REPL over the in-memory store,
// keeping to stage 01's protocol (the reference's later commands are unknown words here).

import type { Command as StageCommand, Stage01 } from '../../stages/01-repl/contract.ts';
import { MemoryStore } from '../core/memory-store.ts';
import { ParseError } from '../repl/command.ts';
import { formatCommand } from '../repl/format.ts';
import { parseCommand } from '../repl/parse.ts';
import { Session, type SessionOptions } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';

const session = (options: SessionOptions = {}) => new Session(new MemoryStore(), { ...options, extensions: false });

export const stage: Stage01 = {
  parseCommand(line) {
    try {
      // Without extensions the parser returns only stage 01's commands.
      return { ok: true, command: parseCommand(line, false) as StageCommand };
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      return { ok: false, error: { column: error.column, message: error.message } };
    }
  },
  formatCommand,
  createSession: session,
  runRepl: ({ input, output, prompt, ...options }) =>
    runSession(session(options), { input, output, ...(prompt === undefined ? {} : { prompt }) }),
};
