// Stage 01 property tests: format/parse round trip, garbage that never crashes, and a
// model-based session test against a plain sorted map.

import fc from 'fast-check';
import { expectTrue, failure, mismatch, sameValue } from '../../harness/assert.ts';
import { indent, show } from '../../harness/display.ts';
import type { Command, RangeSpec } from '../../stages/01-repl/contract.ts';
import { converse, property } from './setup.ts';

const encoder = new TextEncoder();

// Bytes that stress the quoting rules: text, spaces, quotes, backslashes, controls, non-UTF-8.
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 10 }),
  fc.string({ maxLength: 10, unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\t', '\n', '#', 'é', '€', '😀', '\x7f', '\x85', '\uFEFF', 'x') }).map((s) => encoder.encode(s)),
  fc.string({ maxLength: 12, unit: 'grapheme' }).map((s) => encoder.encode(s)),
);

const range: fc.Arbitrary<RangeSpec> = fc
  .record({
    prefix: fc.option(bytes, { nil: undefined }),
    lower: fc.option(fc.tuple(fc.boolean(), bytes), { nil: undefined }),
    upper: fc.option(fc.tuple(fc.boolean(), bytes), { nil: undefined }),
    limit: fc.option(fc.nat(), { nil: undefined }),
    reverse: fc.boolean(),
  })
  .map(({ prefix, lower, upper, limit, reverse }) => {
    const spec: RangeSpec = {};
    if (prefix) spec.prefix = prefix;
    if (lower) spec[lower[0] ? 'gte' : 'gt'] = lower[1];
    if (upper) spec[upper[0] ? 'lte' : 'lt'] = upper[1];
    if (limit !== undefined) spec.limit = limit;
    if (reverse) spec.reverse = true;
    return spec;
  });

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: bytes, value: bytes }),
  fc.record({ kind: fc.constantFrom('get' as const, 'del' as const), key: bytes }),
  fc.record({ kind: fc.constantFrom('scan' as const, 'count' as const), range }),
  fc.constantFrom<Command>({ kind: 'help' }, { kind: 'exit' }, { kind: 'begin' }, { kind: 'commit' }, { kind: 'rollback' }),
);

property(
  '01-P01',
  'formatCommand writes a line that parseCommand reads back as the same command',
  'Round trip',
  command,
  ({ formatCommand, parseCommand }, cmd) => {
    const line = formatCommand(cmd);
    const parsed = parseCommand(line);
    if (!sameValue(parsed, { ok: true, command: cmd })) {
      throw mismatch(`formatCommand gave the line\n    ${line}\n  and parseCommand read it back`, show({ ok: true, command: cmd }), show(parsed));
    }
    const shapeProblem = parsed.ok ? commandShapeProblem(parsed.command) : undefined;
    if (shapeProblem !== undefined) throw failure(`parseCommand(${JSON.stringify(line)}) returned ${show(parsed)}`, `  but ${shapeProblem}`);
  },
  { numRuns: 1000, render: (cmd) => show(cmd) },
);

/** The contract's shape: bytes as Uint8Array, and no field present with the value undefined. */
function commandShapeProblem(command: Command): string | undefined {
  const fields = Object.entries(command.kind === 'scan' || command.kind === 'count' ? { ...command, ...command.range } : command);
  for (const [name, value] of fields) {
    if (value === undefined) return `the field ${name} is present but undefined: leave it out`;
    if (['key', 'value', 'prefix', 'gt', 'gte', 'lt', 'lte'].includes(name) && !(value instanceof Uint8Array)) {
      return `the field ${name} must be a Uint8Array`;
    }
  }
  return undefined;
}

// Lines built to hit the parser's corners: real command words, options, quotes and escapes.
const garbageLine = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.uint8Array({ maxLength: 40 }).map((raw) => Buffer.from(raw).toString('latin1')),
  fc
    .array(fc.constantFrom('put', 'get', 'del', 'scan', 'count', 'prefix', 'from', 'after', 'limit', 'reverse', 'k', '"', '"a b"', '\\', '\\x', '\\xzz', '\\q', '"\\', '9', '-1', 'help', 'BEGIN', '#', ' ', '\t'), { maxLength: 8 })
    .map((words) => words.join(' ')),
);

property(
  '01-P02',
  'any line parses to a command or to an error with a column inside the line',
  'Errors',
  garbageLine,
  ({ parseCommand }, line) => {
    const result = parseCommand(line);
    if (result.ok) return;
    const { column, message } = result.error;
    expectTrue(
      Number.isInteger(column) && column >= 1 && column <= line.length + 1 && typeof message === 'string' && message.length > 0,
      `parseCommand(${JSON.stringify(line)}) returned an error`,
      `expected: a column from 1 to ${line.length + 1} and a message\n  received: ${show(result.error)}`,
    );
  },
  { numRuns: 1000, render: (line) => JSON.stringify(line) },
);

// Lines that are certainly bad: an unknown command word, or a quote that is never closed.
const badLine = fc.oneof(
  fc.tuple(fc.constantFrom('zz', 'frob', 'PUTT', 'g3t'), garbageLine).map(([word, rest]) => `${word} ${rest}`),
  fc.tuple(fc.constantFrom('get', 'del', 'put', 'scan prefix'), fc.string({ maxLength: 20 }).map((s) => s.replace(/["\\]/g, ''))).map(([cmd, text]) => `${cmd} "${text}`),
);

property(
  '01-P03',
  'garbage never crashes a session: a bad line gets exactly one ERR line',
  'Errors',
  fc.array(fc.tuple(fc.boolean(), garbageLine, badLine), { minLength: 1, maxLength: 8 }),
  async ({ createSession }, cases) => {
    const session = createSession();
    for (const [certainlyBad, garbage, bad] of cases) {
      const line = certainlyBad ? bad : garbage;
      const answer = await session.execute(line);
      const doing = `> ${JSON.stringify(line)}`;
      expectTrue(Array.isArray(answer) && answer.every((l) => typeof l === 'string' && !l.includes('\n')), doing, `expected an array of lines without newlines, received ${show(answer)}`);
      if (certainlyBad || answer.some((l) => l.startsWith('ERR column'))) {
        expectTrue(answer.length === 1 && /^ERR column \d+: ./.test(answer[0]!), doing, `expected exactly one line "ERR column N: ...", received ${show(answer)}`);
      }
      if (session.closed) break;
    }
  },
  { numRuns: 500, render: (cases) => cases.map(([bad, garbage, certain]) => `> ${JSON.stringify(bad ? certain : garbage)}`).join('\n') },
);

// The model test keeps to keys and values that print verbatim, so the expected answers are
// easy to state; the round-trip property above covers the quoting.
const modelKey = fc.constantFrom('a', 'b', 'ab', 'user:1', 'user:2', 'é', 'Z');
const modelValue = fc.constantFrom('1', 'two', '{"x": [1, 2]}', 'hello world', 'é');
const modelRange = fc
  .tuple(
    fc.option(fc.constantFrom('prefix', 'from', 'after'), { nil: undefined }),
    modelKey,
    fc.option(fc.constantFrom('to', 'before'), { nil: undefined }),
    modelKey,
    fc.option(fc.nat(3), { nil: undefined }),
    fc.boolean(),
  )
  .map(([low, lowKey, high, highKey, limit, reverse]) =>
    [low && `${low} ${lowKey}`, high && `${high} ${highKey}`, limit !== undefined && `limit ${limit}`, reverse && 'reverse']
      .filter(Boolean)
      .join(' '));
const modelLine = fc.oneof(
  fc.tuple(modelKey, modelValue).map(([k, v]) => `put ${k} ${v}`),
  modelKey.map((k) => `get ${k}`),
  modelKey.map((k) => `del ${k}`),
  modelRange.map((r) => `scan ${r}`.trim()),
  modelRange.map((r) => `count ${r}`.trim()),
);

/** What the spec says each line answers, computed on a Map and a sort by UTF-8 bytes. */
function modelAnswers(lines: string[]): string[] {
  const data = new Map<string, string>();
  const out: string[] = [];
  const cmp = (a: string, b: string) => Buffer.compare(encoder.encode(a), encoder.encode(b));
  for (const line of lines) {
    out.push(`> ${line}`);
    const [word, ...rest] = line.split(' ');
    if (word === 'put') {
      data.set(rest[0]!, rest.slice(1).join(' '));
      out.push('OK');
    } else if (word === 'get') {
      out.push(data.get(rest[0]!) ?? '(not found)');
    } else if (word === 'del') {
      data.delete(rest[0]!);
      out.push('OK');
    } else {
      let keys = [...data.keys()].sort(cmp);
      for (let i = 0; i < rest.length; i++) {
        const option = rest[i];
        const key = rest[i + 1]!;
        if (option === 'prefix') keys = keys.filter((k) => Buffer.from(encoder.encode(k)).subarray(0, encoder.encode(key).length).equals(encoder.encode(key)));
        if (option === 'from') keys = keys.filter((k) => cmp(k, key) >= 0);
        if (option === 'after') keys = keys.filter((k) => cmp(k, key) > 0);
        if (option === 'to') keys = keys.filter((k) => cmp(k, key) <= 0);
        if (option === 'before') keys = keys.filter((k) => cmp(k, key) < 0);
      }
      if (rest.includes('reverse')) keys.reverse();
      const limitAt = rest.indexOf('limit');
      if (limitAt >= 0) keys = keys.slice(0, Number(rest[limitAt + 1]));
      if (word === 'count') {
        out.push(String(keys.length));
      } else {
        out.push(...keys.map((k) => `${k} ${data.get(k)}`));
        out.push(`(${keys.length} ${keys.length === 1 ? 'key' : 'keys'})`);
      }
    }
  }
  return out;
}

property(
  '01-P04',
  'a session answers like a sorted map would (model-based)',
  'The session',
  fc.array(modelLine, { minLength: 1, maxLength: 30 }),
  async (stage, lines) => {
    const received = await converse(stage, lines);
    const expected = modelAnswers(lines);
    const at = received.findIndex((line, i) => line !== expected[i]);
    if (at === -1 && received.length === expected.length) return;
    const shown = Math.max(at, 0) + 1;
    throw mismatch(
      `the session differs from the model at line ${shown}:`,
      `\n${indent(expected.slice(0, shown + 3).join('\n'), '      ')}`,
      `\n${indent(received.slice(0, shown + 3).join('\n'), '      ')}`,
    );
  },
  { numRuns: 300, render: false },
);
