// Stage 01 examples: the commands of the protocol, run in a session, checked as transcripts.

import { expectSame, expectTrue } from '../../harness/assert.ts';
import { expectTranscript, rule } from './setup.ts';

rule('01-E01', "the seed's session: put a JSON value, get it back verbatim", 'The session', (stage) =>
  expectTranscript(stage, `
    > put user:1 {"name": "Alice", "age": 30}
    OK
    > get user:1
    {"name": "Alice", "age": 30}
  `));

rule('01-E02', 'get of a missing key answers (not found)', 'get', (stage) =>
  expectTranscript(stage, `
    > get nobody
    (not found)
  `));

rule('01-E03', 'del removes the key and answers OK, whether or not the key was there', 'del', (stage) =>
  expectTranscript(stage, `
    > put k v
    OK
    > del k
    OK
    > get k
    (not found)
    > delete k
    OK
    > del never-there
    OK
    > get never-there
    (not found)
  `));

rule('01-E19', 'put of a key that holds a value replaces it', 'put', (stage) =>
  expectTranscript(stage, `
    > put k first
    OK
    > put k second
    OK
    > get k
    second
    > scan
    k second
    (1 key)
  `));

rule('01-E04', 'scan lists "KEY VALUE" lines in byte order and a count line', 'scan', (stage) =>
  expectTranscript(stage, `
    > scan
    (0 keys)
    > put b 2
    OK
    > scan
    b 2
    (1 key)
    > put a 1
    OK
    > put B 3
    OK
    > put é 4
    OK
    > scan
    B 3
    a 1
    b 2
    é 4
    (4 keys)
  `));

rule('01-E05', 'scan prefix lists exactly the keys that start with the prefix', 'Ranges', (stage) =>
  expectTranscript(stage, `
    > put user:1 alice
    OK
    > put user:2 bob
    OK
    > put user: nobody
    OK
    > put users all
    OK
    > put use x
    OK
    > scan prefix user:
    user: nobody
    user:1 alice
    user:2 bob
    (3 keys)
  `));

rule('01-E06', 'from and to include their key, after and before exclude it', 'Ranges', (stage) =>
  expectTranscript(stage, `
    > put a 1
    OK
    > put b 2
    OK
    > put c 3
    OK
    > put d 4
    OK
    > scan from b to c
    b 2
    c 3
    (2 keys)
    > scan after b before d
    c 3
    (1 key)
    > scan after a to c
    b 2
    c 3
    (2 keys)
    > scan from b before c
    b 2
    (1 key)
  `));

rule('01-E07', 'limit and reverse: the first N keys in the direction of the scan', 'Ranges', (stage) =>
  expectTranscript(stage, `
    > put a 1
    OK
    > put b 2
    OK
    > put c 3
    OK
    > scan limit 2
    a 1
    b 2
    (2 keys)
    > scan reverse
    c 3
    b 2
    a 1
    (3 keys)
    > scan reverse limit 1
    c 3
    (1 key)
    > scan before c reverse limit 1
    b 2
    (1 key)
    > scan limit 0
    (0 keys)
  `));

rule('01-E08', 'count counts the keys of a range', 'count', (stage) =>
  expectTranscript(stage, `
    > count
    0
    > put a 1
    OK
    > put ab 2
    OK
    > put b 3
    OK
    > count
    3
    > count prefix a
    2
    > count after a
    2
    > count limit 1
    1
  `));

rule('01-E09', 'a prefix ending in \\xff still finds its keys (no overflow in the range end)', 'Ranges', (stage) =>
  expectTranscript(stage, `
    > put "a\\xff\\x01" inside
    OK
    > put "a\\xff" also
    OK
    > put b outside
    OK
    > put "\\xff\\xff" top
    OK
    > scan prefix "a\\xff"
    "a\\xff" also
    "a\\xff\\x01" inside
    (2 keys)
    > count prefix "\\xff"
    1
  `));

rule('01-E10', 'a quoted value keeps its spaces; an unquoted value is the rest of the line', 'Values', (stage) =>
  expectTranscript(stage, `
    > put greeting "hello world"
    OK
    > get greeting
    hello world
    > put spaced a b   c
    OK
    > get spaced
    a b   c
    > put "my key" v
    OK
    > get "my key"
    v
    > scan prefix my
    "my key" v
    (1 key)
  `));

rule('01-E11', 'escapes in quotes give exact bytes, and answers show them escaped', 'Quoting and escapes', (stage) =>
  expectTranscript(stage, `
    > put tab "a\\tb"
    OK
    > get tab
    "a\\tb"
    > put quote "say \\"hi\\""
    OK
    > get quote
    say "hi"
    > put slash "back\\\\slash"
    OK
    > get slash
    back\\slash
    > put raw "\\x00\\xff"
    OK
    > get raw
    "\\x00\\xff"
    > put empty ""
    OK
    > get empty
    ""
  `));

rule('01-E12', 'values that would read back differently are printed quoted', 'Values', (stage) =>
  expectTranscript(stage, `
    > put q "\\"quoted\\""
    OK
    > get q
    "\\"quoted\\""
    > put t "trailing "
    OK
    > get t
    "trailing "
    > put json {"a": [1, 2]}
    OK
    > get json
    {"a": [1, 2]}
  `));

rule('01-E13', 'command and option names are case-insensitive', 'Commands', (stage) =>
  expectTranscript(stage, `
    > PUT a 1
    OK
    > Get a
    1
    > SCAN PREFIX a LIMIT 1 REVERSE
    a 1
    (1 key)
    > DEL a
    OK
    > COUNT
    0
  `));

rule('01-E14', 'help lists every command', 'help and exit', async (stage) => {
  const session = stage.createSession();
  const text = (await session.execute('help')).join('\n');
  for (const word of ['put', 'get', 'del', 'scan', 'count', 'prefix', 'from', 'after', 'to', 'before', 'limit', 'reverse', 'begin', 'help', 'exit']) {
    expectTrue(new RegExp(`\\b${word}\\b`, 'i').test(text), `help must mention the word ${word} (in any case)`, `received:\n${text}`);
  }
});

rule('01-E15', 'exit answers Bye and closes the session', 'help and exit', async (stage) => {
  const session = stage.createSession();
  expectSame(await session.execute('put a 1'), ['OK'], '> put a 1');
  expectSame(session.closed, false, 'closed before exit');
  expectSame(await session.execute('exit'), ['Bye'], '> exit');
  expectSame(session.closed, true, 'closed after exit');
  const after = await session.execute('get a');
  expectTrue(after.length === 1 && after[0]!.startsWith('ERR'), '> get a, after exit', `expected one ERR line, received ${JSON.stringify(after)}`);
  const quit = stage.createSession();
  expectSame(await quit.execute('quit'), ['Bye'], '> quit (another name for exit)');
});

rule('01-E16', 'BEGIN, COMMIT and ROLLBACK say they arrive in stage 07', 'Transactions', async (stage) => {
  const session = stage.createSession();
  for (const word of ['BEGIN', 'COMMIT', 'ROLLBACK', 'begin', 'Commit']) {
    const answer = await session.execute(word);
    expectTrue(
      answer.length === 1 && answer[0]!.startsWith(`ERR ${word.toUpperCase()} `) && /not available until stage 07/.test(answer[0]!),
      `> ${word}`,
      `expected: one line "ERR ${word.toUpperCase()} is not available until stage 07 (transactions)"\n  received: ${JSON.stringify(answer)}`,
    );
  }
});

rule('01-E17', 'blank lines and # comments produce no output', 'Commands', async (stage) => {
  const session = stage.createSession();
  for (const line of ['', '   ', '\t', '# a comment', '  # indented comment']) {
    expectSame(await session.execute(line), [], `> ${JSON.stringify(line)}`);
  }
});

rule('01-E18', 'with timings on, store commands end with the elapsed time', 'Timings', async (stage) => {
  const session = stage.createSession({ timings: true });
  const time = String.raw`(\d+(?:\.\d+)?)ms`;
  const expectLine = async (line: string, pattern: string) => {
    const answer = await session.execute(line);
    const last = answer[answer.length - 1] ?? '';
    const match = new RegExp(`^${pattern}$`).exec(last);
    expectTrue(match !== null, `> ${line} (timings on)`, `expected the last line to match /^${pattern}$/\n  received: ${JSON.stringify(answer)}`);
    const ms = Number(match[1]);
    expectTrue(Number(ms.toPrecision(2)) === ms, `> ${line} (timings on)`, `the time must have at most two significant digits, as in 0.12ms or 3.4ms\n  received: ${match[1]}ms`);
  };
  await expectLine('put a 1', `OK \\(${time}\\)`);
  await expectLine('get a', `1 \\(${time}\\)`);
  await expectLine('scan', `\\(1 key, ${time}\\)`);
  await expectLine('count', `1 \\(${time}\\)`);
});
