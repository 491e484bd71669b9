// Stage 01 — your REPL. Replace each stub; the spec is stages/01-repl/README.md.
// Run `npm test -- stage 01` to see what passes. Split your code into more files as it grows.

import { notImplemented } from '../not-implemented.ts';
import type { Command, ParseResult, RunOptions, Session, SessionOptions, Stage01 } from './contract.ts';

const SPEC = 'stages/01-repl/README.md';

/** Parses one input line. Never throws on bad input: returns { ok: false, error } instead. */
export function parseCommand(line: string): ParseResult {
  return notImplemented(SPEC, `parseCommand(${JSON.stringify(line.slice(0, 30))})`);
}

/** Writes a command back as a line that parseCommand reads as the same command. */
export function formatCommand(command: Command): string {
  return notImplemented(SPEC, `formatCommand(${command.kind})`);
}

/** A session with its own empty in-memory store. */
export function createSession(options: SessionOptions = {}): Session {
  return notImplemented(SPEC, `createSession(${JSON.stringify(options)})`);
}

/** Runs a session over streams: see "Running over streams" in the spec. */
export async function runRepl(options: RunOptions): Promise<void> {
  return notImplemented(SPEC, `runRepl(prompt: ${JSON.stringify(options.prompt)})`);
}

export const stage: Stage01 = { parseCommand, formatCommand, createSession, runRepl };
