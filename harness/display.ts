// How the harness shows values in failure messages: bytes as quoted strings with \xHH
// escapes (the REPL's notation), so a learner can paste a failing key into the REPL.
// Deliberately independent of the reference's formatter: the judge must not share code
// with what it judges.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as the REPL would print them quoted: UTF-8 text as itself, other bytes as \xHH. */
export function showBytes(bytes: Uint8Array): string {
  let text: string | undefined;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = undefined;
  }
  // JSON escapes exactly " and \ in text without control characters: the REPL's notation.
  if (text !== undefined && !/[\x00-\x1f\x7f-\x9f]/.test(text)) return JSON.stringify(text);
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** A readable one-line rendering of test values: bytes, arrays, plain objects, errors. */
export function show(value: unknown): string {
  if (value instanceof Uint8Array) return showBytes(value);
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return String(value);
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : prefix + line))
    .join('\n');
}

/** Padded values shortened for messages: "v17.…" stands for "v17" padded with dots (any run of 6 or more at the end). */
export const shorten = (line: string) => line.replace(/([^"])\1{5,}"/g, '$1…"');

/** A store's content (`"key"="value"` lines) for a message: at most six entries, then the count. */
export function describeContents(lines: readonly string[]): string {
  const shown = lines.map(shorten);
  return shown.length === 0 ? '(empty)' : shown.length > 6 ? `${shown.slice(0, 6).join(' ')} … (${shown.length} entries)` : shown.join(' ');
}
