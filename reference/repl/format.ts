// Writes keys, values and whole commands back as protocol text that parses to the same bytes.
// The REPL prints with these too, so a scan's output lines can be pasted back as put commands.

import type { RangeSpec } from '../../stages/01-repl/contract.ts';
import { decodeUtf8 } from '../core/bytes.ts';
import { type Command, RANGE_KEY_OPTIONS } from './command.ts';

/** Characters that never print bare: controls (C0, DEL, C1) and, for keys, spaces. */
function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f);
}

function isSpaceChar(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** A key prints bare when it is non-empty UTF-8 text with no spaces, controls or leading quote. */
export function formatKey(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text === undefined || text.length === 0 || text[0] === '"') return quote(bytes);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isControl(code) || isSpaceChar(code)) return quote(bytes);
  }
  return text;
}

/**
 * A value prints verbatim, as `put` reads it, unless that would read back differently:
 * empty, leading or trailing space, a leading quote, controls, or bytes that are not UTF-8.
 */
export function formatValue(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text === undefined || text.length === 0 || text[0] === '"') return quote(bytes);
  if (isSpaceChar(text.charCodeAt(0)) || isSpaceChar(text.charCodeAt(text.length - 1))) return quote(bytes);
  for (let i = 0; i < text.length; i++) {
    if (isControl(text.charCodeAt(i))) return quote(bytes);
  }
  return text;
}

const NAMED_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };

/** Quotes bytes: UTF-8 text stays readable, and every byte that is not gets \xHH. */
export function quote(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  let out = '"';
  if (text !== undefined) {
    for (const ch of text) {
      const code = ch.codePointAt(0)!;
      const named = NAMED_ESCAPES[code];
      if (named !== undefined) out += named;
      else if (isControl(code)) out += hexEscapes(new TextEncoder().encode(ch));
      else out += ch;
    }
  } else {
    for (const byte of bytes) {
      const named = NAMED_ESCAPES[byte];
      if (named !== undefined) out += named;
      else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
      else out += hexEscapes([byte]);
    }
  }
  return `${out}"`;
}

function hexEscapes(bytes: Iterable<number>): string {
  let out = '';
  for (const byte of bytes) out += `\\x${byte.toString(16).padStart(2, '0')}`;
  return out;
}

export function formatRange(range: RangeSpec): string {
  const parts: string[] = [];
  for (const [name, field] of RANGE_KEY_OPTIONS) {
    const key = range[field];
    if (key !== undefined) parts.push(`${name} ${formatKey(key)}`);
  }
  if (range.limit !== undefined) parts.push(`limit ${range.limit}`);
  if (range.reverse === true) parts.push('reverse');
  return parts.join(' ');
}

export function formatCommand(command: Command): string {
  switch (command.kind) {
    case 'put':
      return `put ${formatKey(command.key)} ${formatValue(command.value)}`;
    case 'get':
    case 'del':
      return `${command.kind} ${formatKey(command.key)}`;
    case 'scan':
    case 'count': {
      const range = formatRange(command.range);
      return range === '' ? command.kind : `${command.kind} ${range}`;
    }
    case 'begin':
    case 'commit':
    case 'rollback':
      return command.kind.toUpperCase();
    case 'compact':
    case 'stats':
    case 'flush':
    case 'checkpoint':
      return command.kind;
    case 'empty':
      return '';
    default:
      return command.kind;
  }
}
