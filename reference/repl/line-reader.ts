// A cursor over one input line that reads the protocol's tokens: bare words, quoted strings
// with escapes, and the verbatim rest of a line. Every token remembers the column it began
// at, so the parser can point at the exact place a line goes wrong.

import { utf8 } from '../core/bytes.ts';
import { ParseError } from './command.ts';

export interface Token {
  bytes: Uint8Array;
  /** 1-based column of the token's first character. */
  column: number;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  '"': 0x22,
  '\\': 0x5c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  '0': 0x00,
};

export function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r';
}

export class LineReader {
  private pos = 0;

  constructor(readonly line: string) {}

  /** The column of the next character (line length + 1 at the end of the line). */
  get column(): number {
    return this.pos + 1;
  }

  skipSpaces(): void {
    while (isSpace(this.line[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.line.length;
  }

  /** A bare word up to the next space, as text (command and option names). */
  word(): { text: string; column: number } {
    this.skipSpaces();
    const start = this.pos;
    while (this.pos < this.line.length && !isSpace(this.line[this.pos])) this.pos++;
    return { text: this.line.slice(start, this.pos), column: start + 1 };
  }

  /** A key: a quoted string, or a bare word encoded as UTF-8. */
  token(): Token {
    this.skipSpaces();
    if (this.line[this.pos] === '"') {
      const token = this.quoted();
      if (this.pos < this.line.length && !isSpace(this.line[this.pos])) {
        throw new ParseError(this.column, 'expected a space after the closing quote');
      }
      return token;
    }
    const { text, column } = this.word();
    return { bytes: utf8(text), column };
  }

  /**
   * A value: a quoted string that must end the line, or else the rest of the line verbatim
   * (trailing spaces dropped). Verbatim is what lets `put k {"a": 1}` keep its JSON as typed.
   */
  rest(): Token {
    this.skipSpaces();
    if (this.line[this.pos] === '"') {
      const token = this.quoted();
      if (!this.atEnd()) {
        throw new ParseError(this.column, 'unexpected text after the closing quote of the value');
      }
      return token;
    }
    const column = this.column;
    let end = this.line.length;
    while (end > this.pos && isSpace(this.line[end - 1])) end--;
    const bytes = utf8(this.line.slice(this.pos, end));
    this.pos = this.line.length;
    return { bytes, column };
  }

  /** Reads "..." starting at the opening quote; text is UTF-8, \xHH is one raw byte. */
  private quoted(): Token {
    const open = this.pos;
    const out = new ByteBuilder();
    let runStart = ++this.pos;
    while (this.pos < this.line.length) {
      const ch = this.line[this.pos];
      if (ch === '"') {
        out.text(this.line.slice(runStart, this.pos));
        this.pos++;
        return { bytes: out.finish(), column: open + 1 };
      }
      if (ch === '\\') {
        out.text(this.line.slice(runStart, this.pos));
        out.byte(this.escape());
        runStart = this.pos;
      } else {
        this.pos++;
      }
    }
    throw new ParseError(open + 1, 'unclosed quote: add a " to end the string');
  }

  /** Reads one escape at the backslash and returns its byte. */
  private escape(): number {
    const at = this.pos;
    const kind = this.line[at + 1];
    if (kind === undefined) throw new ParseError(at + 1, 'a backslash at the end of the line escapes nothing');
    if (kind === 'x') {
      const hex = this.line.slice(at + 2, at + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw new ParseError(at + 1, `\\x needs two hex digits, as in \\x7f; got ${JSON.stringify(`\\x${hex}`)}`);
      }
      this.pos = at + 4;
      return parseInt(hex, 16);
    }
    const byte = SIMPLE_ESCAPES[kind];
    if (byte === undefined) {
      throw new ParseError(at + 1, `unknown escape ${JSON.stringify(`\\${kind}`)}; use \\" \\\\ \\n \\r \\t \\0 or \\xHH`);
    }
    this.pos = at + 2;
    return byte;
  }
}

/** Collects text runs and single bytes into one Uint8Array. */
class ByteBuilder {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  text(text: string): void {
    if (text.length > 0) this.push(utf8(text));
  }

  byte(value: number): void {
    this.push(Uint8Array.of(value));
  }

  finish(): Uint8Array {
    if (this.parts.length === 1) return this.parts[0];
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }
}
