// Tests of `npm start` as a real process on the real disk, for what only a process has: signals
// (SIGINT, SIGTERM, SIGHUP close the store; without a write-ahead log that close is what keeps
// the writes), a stdout whose reader went away (EPIPE), and a line longer than any command.
// Each ends with one line on stderr, the LOCK gone, the acknowledged writes there on reopen
// (read back in this process) and the exit code the end calls for. Uses --no-wal throughout:
// with the log, the writes would survive even a process that never closed its store.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../../reference/cli/app.ts';
import { MAX_LINE_BYTES } from '../../reference/repl/input-lines.ts';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { TSX_LOADER } from '../crash/child-process.ts';
import { ROOT } from '../stages.ts';

const MAIN = path.join(ROOT, 'reference', 'cli', 'main.ts');

let dir: string;
beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(tmpdir(), 'kata-cli-')), 'data');
});
afterEach(async () => {
  await rm(path.dirname(dir), { recursive: true, force: true });
});

/** The real CLI on `dir` without the write-ahead log; stdout and stderr collected as they come. */
class Cli {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor() {
    this.child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, '--dir', dir, '--no-wal', '--no-timings'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdin!.on('error', () => undefined); // writing to a process that stopped reading: its exit says why
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Waits until stdout holds `text` (starting node with tsx takes about a second). */
  async until(text: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!this.stdout.includes(text)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`expected stdout to come to hold ${JSON.stringify(text)}; got ${JSON.stringify(this.stdout)}, stderr ${JSON.stringify(this.stderr)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** stderr holds exactly the lines expected to match, and no stack trace. */
function expectStderr(stderr: string, ...patterns: RegExp[]): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(stderr, 'stderr should hold no stack trace').not.toMatch(/^\s+at /m);
  expect(lines, `stderr should be ${patterns.length} line(s), got:\n${stderr}`).toHaveLength(patterns.length);
  patterns.forEach((pattern, i) => expect(lines[i]).toMatch(pattern));
}

/** What a fresh session on the directory scans (in this process). */
async function reopenAndScan(): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const code = await runCli(['--dir', dir, '--no-wal', '--no-timings'], { stdin: Readable.from(['scan\n']), stdout, stderr: new PassThrough(), fs: nodeFileSystem, interactive: false });
  expect(code, 'exit code of the reopening session').toBe(0);
  return text;
}

describe('signals close the store', () => {
  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('put, put, %s: exit code %i, LOCK gone, both keys there on reopen', async (signal, expected) => {
    const cli = new Cli();
    cli.child.stdin!.write('put a 1\nput b 2\n');
    await cli.until('OK\nOK\n');
    cli.child.kill(signal);
    const { code } = await cli.exited;
    expect(code, `exit code after ${signal}`).toBe(expected);
    expectStderr(cli.stderr, new RegExp(`^${signal}: closing the store`));
    expect(existsSync(path.join(dir, 'LOCK')), 'LOCK left behind').toBe(false);
    expect(await reopenAndScan()).toBe('a 1\nb 2\n(2 keys)\n');
  });
});

test('stdout closed by its reader (| head -1): one line naming EPIPE, exit 1, LOCK gone, data kept', async () => {
  const cli = new Cli();
  cli.child.stdin!.write('put a 1\nput b 2\n');
  await cli.until('OK\nOK\n');
  cli.child.stdout!.destroy(); // as head does once it has its line
  cli.child.stdin!.write('put c 3\nscan\nput d 4\n');
  const { code } = await cli.exited;
  expect(code, 'exit code after the output closed').toBe(1);
  expectStderr(cli.stderr, /^the output was closed \(.*EPIPE.*\): stopped reading commands$/);
  expect(existsSync(path.join(dir, 'LOCK')), 'LOCK left behind').toBe(false);
  // put c ran (its answer is what failed); nothing after it did.
  expect(await reopenAndScan()).toBe('a 1\nb 2\nc 3\n(3 keys)\n');
});

test('a line longer than any command: refused by number without running it, exit 1, LOCK gone, the lines before it kept', async () => {
  const cli = new Cli();
  cli.child.stdin!.write('put a 1\n');
  await cli.until('OK\n');
  cli.child.stdin!.end(`put b ${'x'.repeat(MAX_LINE_BYTES)}\nput c 3\n`);
  const { code } = await cli.exited;
  expect(code, 'exit code after a line too long').toBe(1);
  expectStderr(cli.stderr, /^line 2 is longer than [\d,]+ bytes.*stopped there without running it$/);
  expect(existsSync(path.join(dir, 'LOCK')), 'LOCK left behind').toBe(false);
  expect(await reopenAndScan()).toBe('a 1\n(1 key)\n');
});
