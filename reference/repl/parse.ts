// Parses one line of the REPL protocol into a Command, or throws a ParseError with a column.
// The grammar is in stages/01-repl/README.md; this file follows it rule by rule.

import type { RangeSpec } from '../../stages/01-repl/contract.ts';
import { DEFAULT_LIMITS } from '../core/limits.ts';
import { type Command, ParseError, RANGE_KEY_OPTIONS } from './command.ts';
import { LineReader, type Token } from './line-reader.ts';

const NO_ARGUMENT_COMMANDS: Record<string, Command> = {
  help: { kind: 'help' },
  exit: { kind: 'exit' },
  quit: { kind: 'exit' },
  begin: { kind: 'begin' },
  commit: { kind: 'commit' },
  rollback: { kind: 'rollback' },
};

/** Commands of the reference REPL beyond stage 01's protocol. */
const EXTENSIONS: Record<string, Command> = {
  compact: { kind: 'compact' },
  stats: { kind: 'stats' },
  flush: { kind: 'flush' },
  checkpoint: { kind: 'checkpoint' },
};

/** `extensions: false` keeps to stage 01's protocol, where compact, stats, flush and checkpoint are unknown words. */
export function parseCommand(line: string, extensions = true): Command {
  const reader = new LineReader(line);
  if (reader.atEnd() || /^[ \t\r]*#/.test(line)) return { kind: 'empty' };
  const { text, column } = reader.word();
  const name = text.toLowerCase();
  switch (name) {
    case 'put': {
      const key = readKey(reader, 'put');
      if (reader.atEnd()) throw new ParseError(reader.column, 'put needs a value after the key');
      const value = reader.rest();
      checkSize(value, 'value', DEFAULT_LIMITS.maxValueSize);
      return { kind: 'put', key: key.bytes, value: value.bytes };
    }
    case 'get':
    case 'del':
    case 'delete': {
      const key = readKey(reader, text);
      expectEnd(reader);
      return { kind: name === 'get' ? 'get' : 'del', key: key.bytes };
    }
    case 'scan':
    case 'count':
      return { kind: name, range: readRange(reader) };
    default: {
      const command = NO_ARGUMENT_COMMANDS[name] ?? (extensions ? EXTENSIONS[name] : undefined);
      if (command === undefined) {
        throw new ParseError(column, `unknown command ${quoteText(text)}; type help for the list`);
      }
      expectEnd(reader);
      return command;
    }
  }
}

function readKey(reader: LineReader, command: string): Token {
  if (reader.atEnd()) throw new ParseError(reader.column, `${command} needs a key`);
  const key = reader.token();
  checkSize(key, 'key', DEFAULT_LIMITS.maxKeySize);
  return key;
}

function checkSize(token: Token, what: string, limit: number): void {
  if (token.bytes.length > limit) {
    throw new ParseError(token.column, `${what} is ${token.bytes.length} bytes; the limit is ${limit}`);
  }
}

function expectEnd(reader: LineReader): void {
  if (!reader.atEnd()) {
    const column = reader.column;
    const extra = reader.word().text;
    throw new ParseError(column, `unexpected ${quoteText(extra)} at the end of the command`);
  }
}

const KEY_OPTIONS = new Map<string, keyof RangeSpec>(RANGE_KEY_OPTIONS);
const CONFLICTS: Partial<Record<keyof RangeSpec, keyof RangeSpec>> = { gte: 'gt', gt: 'gte', lte: 'lt', lt: 'lte' };
const OPTION_NAME: Partial<Record<keyof RangeSpec, string>> = Object.fromEntries(
  RANGE_KEY_OPTIONS.map(([name, field]) => [field, name]),
);

/** Reads `[prefix P] [from K] [after K] [to K] [before K] [limit N] [reverse]`, in any order. */
function readRange(reader: LineReader): RangeSpec {
  const range: RangeSpec = {};
  while (!reader.atEnd()) {
    const { text, column } = reader.word();
    const option = text.toLowerCase();
    const field = KEY_OPTIONS.get(option) ?? (option === 'limit' || option === 'reverse' ? option : undefined);
    if (field === undefined) {
      throw new ParseError(
        column,
        `unknown scan option ${quoteText(text)}; expected prefix, from, after, to, before, limit or reverse`,
      );
    }
    if (range[field] !== undefined) throw new ParseError(column, `${option} is given twice`);
    const rival = CONFLICTS[field];
    if (rival !== undefined && range[rival] !== undefined) {
      throw new ParseError(column, `${option} and ${OPTION_NAME[rival]} both bound the same end of the range; keep one`);
    }
    if (field === 'reverse') {
      range.reverse = true;
    } else if (field === 'limit') {
      range.limit = readLimit(reader);
    } else {
      if (reader.atEnd()) throw new ParseError(reader.column, `${option} needs a key`);
      const key = reader.token();
      checkSize(key, 'key', DEFAULT_LIMITS.maxKeySize);
      range[field] = key.bytes;
    }
  }
  return range;
}

function readLimit(reader: LineReader): number {
  if (reader.atEnd()) throw new ParseError(reader.column, 'limit needs a number');
  const { text, column } = reader.word();
  const limit = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(limit)) {
    throw new ParseError(column, `limit must be a whole number >= 0, got ${quoteText(text)}`);
  }
  return limit;
}

/** Echoes a piece of the input inside an error: short, and with controls escaped. */
function quoteText(text: string): string {
  return JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text);
}
