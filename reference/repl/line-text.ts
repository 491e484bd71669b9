// Turns an input line's bytes into the text the parser reads, refusing bytes that are not
// UTF-8 rather than replacing them: a lenient decoder maps every invalid byte to U+FFFD, so
// `put k\xff 1` and `put k\xfe 2` would both write the key "k\uFFFD" — two keys merged into
// one, silently. The refusal points at the offending byte, and says how to write it instead.

import { ParseError } from './command.ts';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The line as text, or a ParseError at the column where its first invalid byte stands. */
export function lineText(bytes: Uint8Array, lineNumber: number): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = validPrefixLength(bytes);
    // The column counts JavaScript characters, as every other column of the protocol does.
    const column = strict.decode(bytes.subarray(0, at)).length + 1;
    const hex = bytes[at]!.toString(16).padStart(2, '0');
    throw new ParseError(column, `byte 0x${hex} on line ${lineNumber} is not UTF-8 text; to store it, write it as \\x${hex} inside quotes`);
  }
}

/** How many bytes at the start of `bytes` are whole, valid UTF-8 characters (RFC 3629: no overlongs, surrogates or code points past U+10FFFF). */
function validPrefixLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const size = characterSize(bytes, i);
    if (size === 0) return i;
    i += size;
  }
  return i;
}

/** The length of the valid UTF-8 character at `i`, or 0 if none starts there. */
function characterSize(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  // The second byte's range depends on the lead byte: that is what rules out overlong forms,
  // UTF-16 surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..).
  let size: number;
  let low = 0x80;
  let high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) size = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    size = 3;
    if (lead === 0xe0) low = 0xa0;
    if (lead === 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    size = 4;
    if (lead === 0xf0) low = 0x90;
    if (lead === 0xf4) high = 0x8f;
  } else return 0;
  if (i + size > bytes.length) return 0;
  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < size; k++) {
    const next = bytes[i + k]!;
    if (next < 0x80 || next > 0xbf) return 0;
  }
  return size;
}
