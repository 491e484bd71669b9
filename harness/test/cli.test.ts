// Tests of `npm start` (reference/cli) run in this process over the simulated disk: how a
// session ends when the disk fills up at close, when a transaction is left open, when the
// options are wrong or the store cannot open — always one line on stderr, never a stack
// trace, the directory freed, and no acknowledged write lost that the mode promised to keep.
// cli-process.test.ts starts the real process for signals, a closed stdout and long lines.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../reference/cli/app.ts';
import { SimFileSystem } from '../sim-fs/sim-fs.ts';
import { ROOT } from '../stages.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end on `fs` with `input` as stdin. */
async function cli(fs: SimFileSystem, argv: string[], input: string | Readable, interactive = false): Promise<Run> {
  const stdout = collect();
  const stderr = collect();
  const stdin = typeof input === 'string' ? Readable.from([input]) : input;
  const code = await runCli(argv, { stdin, stdout: stdout.stream, stderr: stderr.stream, fs, interactive });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** stderr must be exactly one line, with no stack trace in it. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines, `stderr should be one line, got:\n${stderr}`).toHaveLength(1);
  expect(stderr, 'stderr should hold no stack trace').not.toMatch(/^\s+at /m);
  return lines[0]!;
}

async function lockExists(fs: SimFileSystem): Promise<boolean> {
  return (await fs.readdir('/db')).includes('LOCK');
}

async function disk(): Promise<SimFileSystem> {
  const fs = new SimFileSystem({ seed: 1 });
  await fs.mkdir('/db');
  await fs.syncDir('/');
  return fs;
}

/** Starts a session whose input the test feeds, and resolves `until` once stdout holds `text`. */
function liveSession(fs: SimFileSystem, argv: string[]) {
  const input = new PassThrough();
  const stdout = collect();
  const stderr = collect();
  const done = runCli(argv, { stdin: input, stdout: stdout.stream, stderr: stderr.stream, fs, interactive: false });
  const until = async (text: string) => {
    for (let i = 0; i < 1000 && !stdout.text().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(stdout.text(), `stdout should come to hold ${JSON.stringify(text)}`).toContain(text);
  };
  const end = async (): Promise<Run> => {
    input.end();
    const code = await done;
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };
  return { input, until, end };
}

describe('a disk that fills up at close', () => {
  test('with the write-ahead log: one line saying the log keeps every OK, exit 1, LOCK freed, both keys there on reopen', async () => {
    const fs = await disk();
    const session = liveSession(fs, ['--dir', '/db', '--no-timings']);
    session.input.write('put a 1\nput b 2\n');
    await session.until('OK\nOK\n');
    fs.inject({ op: ['write', 'append', 'sync'], nth: 0, code: 'ENOSPC', persist: true });
    const { code, stderr } = await session.end();
    expect(code, 'exit code after a failed close').toBe(1);
    const line = oneLine(stderr);
    expect(line).toMatch(/could not close the store .*ENOSPC/);
    expect(line, 'the line says what is still durable').toContain('every OK is on disk in the write-ahead log');
    expect(await lockExists(fs), 'LOCK left behind after a failed close').toBe(false);
    fs.faults.clear();
    expect((await cli(fs, ['--dir', '/db', '--no-timings'], 'scan\n')).stdout).toBe('a 1\nb 2\n(2 keys)\n');
  });

  test('without it: the line says the writes since the last flush may be lost, exit 1, LOCK freed', async () => {
    const fs = await disk();
    const session = liveSession(fs, ['--dir', '/db', '--no-wal', '--no-timings']);
    session.input.write('put a 1\n');
    await session.until('OK\n');
    fs.inject({ op: ['write', 'append', 'sync'], nth: 0, code: 'ENOSPC', persist: true });
    const { code, stderr } = await session.end();
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/ENOSPC.*the writes since the last flush may be lost/);
    expect(await lockExists(fs), 'LOCK left behind after a failed close').toBe(false);
  });
});

describe('the session the README promises', () => {
  /** The README's `$ npm start` transcript: the banner, then "> command" lines and their answers. */
  function readmeTranscript(): { banner: string[]; commands: string[]; screen: string } {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /```\n\$ npm start\n([\s\S]*?)```/.exec(readme)?.[1];
    if (block === undefined) throw new Error('README.md has no ``` block starting with "$ npm start"');
    const lines = block.split('\n').slice(0, -1);
    const firstCommand = lines.findIndex((line) => line.startsWith('> '));
    return {
      banner: lines.slice(0, firstCommand),
      commands: lines.filter((line) => line.startsWith('> ')).map((line) => line.slice(2)),
      // What stdout shows: the prompt, then the answer (the terminal, not the program, echoes the command).
      screen: lines.map((line) => (line.startsWith('> ') ? '> ' : `${line}\n`)).join(''),
    };
  }

  const untimed = (text: string) => text.replace(/ \(\d+(?:\.\d+)?ms\)/g, ' (…ms)');

  test('npm start prints the README transcript character for character, timings aside', async () => {
    const { banner, commands, screen } = readmeTranscript();
    const dir = /— (\/.*)$/.exec(banner[0] ?? '')?.[1];
    expect(dir, `the banner's first line names the directory after "— ": ${banner[0]}`).toBeDefined();
    const fs = new SimFileSystem({ seed: 1 });
    const { stdout, code } = await cli(fs, ['--dir', dir!], `${commands.join('\n')}\n`, true);
    expect(untimed(stdout)).toBe(untimed(screen));
    expect(code).toBe(0);
  });

  test('stats on a fresh store prints no empty value', async () => {
    for (const engine of ['lsm', 'btree', 'log']) {
      const { stdout } = await cli(await disk(), ['--dir', '/db', '--no-timings', '--engine', engine], 'stats\n');
      expect(stdout, `stats of a fresh ${engine} store`).not.toMatch(/: *$/m);
    }
  });
});

describe('transactions in the REPL', () => {
  test('count inside a transaction reads through it, as scan does: staged puts and deletes count', async () => {
    const fs = await disk();
    const script = 'put a 1\nput b 2\nBEGIN\nput c 3\ndel a\ncount\ncount prefix c\nROLLBACK\ncount\n';
    const { stdout, code } = await cli(fs, ['--dir', '/db', '--no-timings'], script);
    expect(stdout.split('\n'), 'answers to: put a, put b, BEGIN, put c, del a, count, count prefix c, ROLLBACK, count').toEqual([
      'OK', 'OK', 'Transaction started', 'OK (staged)', 'OK (staged)', '2', '1', 'Transaction rolled back', '2', '',
    ]);
    expect(code).toBe(0);
  });

  test.each([
    ['exit', 'put a 1\nBEGIN\nput b 2\nexit\n'],
    ['the end of the input', 'put a 1\nBEGIN\nput b 2\n'],
  ])('leaving by %s with a transaction open says it was rolled back and exits 1 when scripted', async (_how, script) => {
    const fs = await disk();
    const { code, stderr } = await cli(fs, ['--dir', '/db', '--no-timings'], script);
    expect(oneLine(stderr)).toContain('rolled back');
    expect(code, 'exit code of a script that left a transaction open').toBe(1);
    expect((await cli(fs, ['--dir', '/db', '--no-timings'], 'scan\n')).stdout, 'only the committed put is stored').toBe('a 1\n(1 key)\n');
  });

  test('at a terminal, leaving a transaction open is said on stderr but is not a failure', async () => {
    const fs = await disk();
    const { code, stderr } = await cli(fs, ['--dir', '/db', '--no-timings'], 'BEGIN\nput b 2\nexit\n', true);
    expect(oneLine(stderr)).toContain('rolled back');
    expect(code).toBe(0);
  });
});

describe('options and opening', () => {
  test('an option value that looks like an option is refused with the usage line, and no directory is made', async () => {
    const fs = await disk();
    const { code, stderr } = await cli(fs, ['--dir', '--no-timings'], 'put a 1\n');
    expect(code, 'exit code of a usage error').toBe(2);
    expect(stderr).toContain('--dir needs a value, got the option --no-timings');
    expect(stderr).toContain('usage: npm start');
    expect(await fs.readdir('/'), 'directories after the refusal').toEqual(['db']);
  });

  test('a store that cannot open is one line on stderr and exit 1', async () => {
    const fs = await disk();
    const file = await fs.open('/db/store', 'create');
    await file.close();
    const { code, stderr } = await cli(fs, ['--dir', '/db/store', '--no-timings'], 'count\n');
    expect(code).toBe(1);
    expect(oneLine(stderr)).toMatch(/^cannot open the store in \/db\/store: /);
  });
});

test('keys written with \\xHH stay distinct through the CLI and print quoted', async () => {
  const fs = await disk();
  const { stdout } = await cli(fs, ['--dir', '/db', '--no-timings'], 'put "k\\xff" 1\nput "k\\xfe" 2\nscan\n');
  expect(stdout).toBe('OK\nOK\n"k\\xfe" 2\n"k\\xff" 1\n(2 keys)\n');
});
