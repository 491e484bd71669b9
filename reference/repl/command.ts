// The commands of the line protocol, as data: what the parser produces and the session runs.
// Stage 01's contract defines the protocol's commands and ranges; the reference adds its own.

import type { Command as ProtocolCommand, ParseError as ProtocolParseError } from '../../stages/01-repl/contract.ts';

export type Command =
  | ProtocolCommand
  /** Reference REPL extensions for the stores that have them (stage 04 on). */
  | { kind: 'compact' }
  | { kind: 'stats' }
  | { kind: 'flush' }
  | { kind: 'checkpoint' };

/** A line the parser refuses, with the 1-based column (JavaScript string index + 1) at fault. */
export class ParseError extends Error implements ProtocolParseError {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** The range options in the order the formatter writes them, with the field each one sets. */
export const RANGE_KEY_OPTIONS = [
  ['prefix', 'prefix'],
  ['from', 'gte'],
  ['after', 'gt'],
  ['to', 'lte'],
  ['before', 'lt'],
] as const;
