// Stage 01: parseCommand's results, and the errors it gives bad lines, with their columns.

import { expectSame, expectTrue, failure } from '../../harness/assert.ts';
import { b, rule } from './setup.ts';

rule('01-R01', 'parseCommand turns a line into a command with byte keys and values', 'Commands as data', ({ parseCommand }) => {
  expectSame(parseCommand('put k v w'), { ok: true, command: { kind: 'put', key: b('k'), value: b('v w') } }, 'parseCommand("put k v w")');
  expectSame(parseCommand('get "a b"'), { ok: true, command: { kind: 'get', key: b('a b') } }, 'parseCommand(\'get "a b"\')');
  expectSame(parseCommand('delete x'), { ok: true, command: { kind: 'del', key: b('x') } }, 'parseCommand("delete x")');
  expectSame(
    parseCommand('scan prefix p after a before z limit 3 reverse'),
    { ok: true, command: { kind: 'scan', range: { prefix: b('p'), gt: b('a'), lt: b('z'), limit: 3, reverse: true } } },
    'parseCommand("scan prefix p after a before z limit 3 reverse")',
  );
  expectSame(parseCommand('count from a to b'), { ok: true, command: { kind: 'count', range: { gte: b('a'), lte: b('b') } } }, 'parseCommand("count from a to b")');
  expectSame(parseCommand('scan'), { ok: true, command: { kind: 'scan', range: {} } }, 'parseCommand("scan")');
  expectSame(parseCommand('quit'), { ok: true, command: { kind: 'exit' } }, 'parseCommand("quit")');
  expectSame(parseCommand('Begin'), { ok: true, command: { kind: 'begin' } }, 'parseCommand("Begin")');
  expectSame(parseCommand('  # note'), { ok: true, command: { kind: 'empty' } }, 'parseCommand("  # note")');
});

/** Each bad line, and the column (1-based) where the spec says the error is. */
const BAD_LINES: Array<[line: string, column: number, why: string]> = [
  ['frobnicate x', 1, 'an unknown command is reported at its first letter'],
  ['put', 4, 'a missing key is reported just past the end of the line'],
  ['put k', 6, 'a missing value is reported just past the end of the line'],
  ['get "abc', 5, 'an unclosed quote is reported at the opening quote'],
  ['get "a"b', 8, 'text glued to a closing quote is reported where it starts'],
  ['get a b', 7, 'an extra word is reported where it starts'],
  ['put k "v" x', 11, 'text after a quoted value is reported where it starts'],
  ['get "a\\qb"', 7, 'an unknown escape is reported at its backslash'],
  ['get "\\x4"', 6, '\\x needs two hex digits; reported at the backslash'],
  ['get "a\\', 7, 'a backslash at the end of the line escapes nothing: reported at the backslash'],
  ['put k   ', 9, 'a missing value after trailing spaces is reported past the end of the line'],
  ['scan limit x', 12, 'a limit that is not a whole number is reported at the number'],
  ['scan limit -1', 12, 'a negative limit is reported at the number'],
  ['scan limit', 11, 'a missing limit is reported past the end of the line'],
  ['scan frob', 6, 'an unknown scan option is reported at the option'],
  ['scan from a after b', 13, 'two lower bounds: reported at the second'],
  ['scan to a before b', 11, 'two upper bounds: reported at the second'],
  ['scan prefix a prefix b', 15, 'an option given twice: reported at the second'],
  ['scan from', 10, 'an option without its key: reported past the end of the line'],
  ['help me', 6, 'help takes no arguments'],
  ['BEGIN now', 7, 'BEGIN takes no arguments'],
];

rule('01-R02', 'every bad line gets an error with the column at fault', 'Errors', ({ parseCommand }) => {
  for (const [line, column, why] of BAD_LINES) {
    const result = parseCommand(line);
    if (result.ok) throw failure(`parseCommand(${JSON.stringify(line)}) should fail (${why})`, `  received: ok, ${result.command.kind}`);
    expectTrue(
      result.error.column === column,
      `parseCommand(${JSON.stringify(line)}): ${why}`,
      `expected: column ${column}\n  received: column ${result.error.column} (${JSON.stringify(result.error.message)})\n${' '.repeat(17)}${line}\n${' '.repeat(16 + result.error.column)}^`,
    );
    expectTrue(result.error.message.trim().length > 0, `parseCommand(${JSON.stringify(line)}) needs an error message`);
  }
});

rule('01-R03', 'the session answers a bad line with one "ERR column N: message" line', 'Errors', async ({ createSession }) => {
  const session = createSession();
  for (const [line, column] of BAD_LINES) {
    const answer = await session.execute(line);
    expectTrue(
      answer.length === 1 && answer[0]!.startsWith(`ERR column ${column}: `) && answer[0]!.length > `ERR column ${column}: `.length,
      `> ${line}`,
      `expected: one line starting "ERR column ${column}: " and a message\n  received: ${JSON.stringify(answer)}`,
    );
  }
});

rule('01-R04', 'oversized keys and values are refused at their column', 'Limits', async ({ createSession }) => {
  const session = createSession();
  const bigKey = 'k'.repeat(1025);
  const key = await session.execute(`get ${bigKey}`);
  expectTrue(key.length === 1 && key[0]!.startsWith('ERR column 5: '), '> get <a key of 1025 bytes>', `expected one line starting "ERR column 5: ", received ${JSON.stringify(key.map((l) => l.slice(0, 80)))}`);
  const okKey = await session.execute(`put ${'k'.repeat(1024)} fits`);
  expectSame(okKey, ['OK'], '> put <a key of exactly 1024 bytes> fits');
  const bigValue = await session.execute(`put k ${'v'.repeat(1024 * 1024 + 1)}`);
  expectTrue(bigValue.length === 1 && bigValue[0]!.startsWith('ERR column 7: '), '> put k <a value of 1 MiB + 1 byte>', `expected one line starting "ERR column 7: ", received ${JSON.stringify(bigValue.map((l) => l.slice(0, 80)))}`);
  expectSame(await session.execute('get k'), ['(not found)'], '> get k, after the refused put');
});

rule('01-R05', 'a line of several megabytes of garbage gets one ERR line', 'Errors', async ({ createSession }) => {
  const session = createSession();
  let x = 99;
  const noise = Array.from({ length: 4 * 1024 * 1024 }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return String.fromCharCode(0x21 + ((x >>> 16) % 94));
  }).join('');
  const lines: Array<[string, string]> = [
    [`z${noise}`, 'a 4 MiB word that is not a command'],
    [`get "${noise.replaceAll('"', '')}`, 'a 4 MiB quoted key that is never closed'],
    [`scan prefix ${noise.replaceAll('"', '')}`, 'a 4 MiB prefix'],
  ];
  for (const [line, what] of lines) {
    const answer = await session.execute(line);
    expectTrue(
      answer.length === 1 && /^ERR column \d+: /.test(answer[0]!) && answer[0]!.length < 400,
      `> ${what}`,
      `expected one short line "ERR column N: ..." (at most 400 characters)\n  received: ${answer.length} line(s), the first ${JSON.stringify((answer[0] ?? '').slice(0, 120))}…`,
    );
  }
  expectSame(await session.execute('put still alive'), ['OK'], '> put still alive, after the garbage');
});
