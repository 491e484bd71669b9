// The reference engine seen through stage 01's contract: the REPL over the in-memory store.

import type { Stage01 } from '../../stages/01-repl/contract.ts';
import { ParseError } from '../repl/command.ts';
import { formatCommand } from '../repl/format.ts';
import { parseCommand } from '../repl/parse.ts';
import { Session } from '../repl/session.ts';
import { runSession } from '../repl/stream.ts';
import { MemoryStore } from '../store/memory-store.ts';

export const stage: Stage01 = {
  parseCommand(line) {
    try {
      return { ok: true, command: parseCommand(line) };
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      return { ok: false, error: { column: error.column, message: error.message } };
    }
  },
  formatCommand,
  createSession: (options) => new Session(new MemoryStore(), options),
  runRepl: ({ input, output, prompt, ...options }) =>
    runSession(new Session(new MemoryStore(), options), { input, output, ...(prompt === undefined ? {} : { prompt }) }),
};
