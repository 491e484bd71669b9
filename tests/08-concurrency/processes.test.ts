// Stage 08: one owner per directory, between real processes on the real file system. Holder
// processes (harness/lock-holder.ts, which loads the same target as this suite) open one
// directory: the first owns it, a second is refused with LOCKED naming the first's pid, and
// after a kill -9 of the first — which leaves its LOCK behind, naming a dead pid — the next open
// takes the directory over and finds every write the first had acknowledged.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expectSame, failure, mismatch, rethrowStub } from '../../harness/assert.ts';
// Started as the crash runner starts its children: node with tsx's loader.
import { TSX_LOADER } from '../../harness/crash/child-process.ts';
import { show } from '../../harness/display.ts';
import { ROOT } from '../../harness/stages.ts';
import { childEnvironment } from '../../harness/target.ts';
import type { ConcurrentStore, Stage08 } from '../../stages/08-concurrency/contract.ts';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { b, codeOf, messageOf, rule } from './setup.ts';

const HOLDER = path.join(ROOT, 'harness', 'lock-holder.ts');

/** How long a holder may take to print its next line: starting node with tsx takes about a second. */
const LINE_TIMEOUT_MS = 15_000;

/** What the first owner writes and gets acknowledged before it is killed (UTF-8, spaces in values). */
const WRITES: ReadonlyArray<readonly [string, string]> = [
  ['owner-1', 'first ✓'],
  ['owner-2', 'zweite — ü'],
  ['owner-3', 'third, acknowledged just before kill -9'],
];

/** The error a starter's stub throws; the runner shows it as "not implemented yet", not as a failure. */
function stubError(message: string): Error {
  const error = new Error(message);
  error.name = 'NotImplementedError';
  return error;
}

/** One holder process, read line by line; every wait times out with what it printed so far. */
class Holder {
  readonly child: ChildProcess;
  /** Resolves once the process ended and its pipes were drained. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly lines: string[] = [];
  private output = '';
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly name: string,
    dir: string,
  ) {
    // The target settings as this run began, not as code under test may have set them since.
    this.child = spawn(process.execPath, ['--import', TSX_LOADER, HOLDER, dir], { cwd: ROOT, env: childEnvironment(), stdio: ['pipe', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-2000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.stdin!.on('error', () => undefined); // writing to a holder that died: its exit says why
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      this.wake?.();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', () => resolve({ code: null, signal: null }));
      this.child.on('close', (code, signal) => {
        this.ended = true;
        this.wake?.();
        resolve({ code, signal });
      });
    });
  }

  get running(): boolean {
    return !this.ended && this.child.exitCode === null && this.child.signalCode === null;
  }

  send(line: string): void {
    this.child.stdin!.write(`${line}\n`);
  }

  /** Ends its stdin: a holder leaves once it sees that (closing its store if still open). */
  end(): void {
    this.child.stdin!.end();
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** What it printed (stdout and stderr), for failure messages. */
  printed(): string {
    const text = this.output.trim();
    return text === '' ? '(nothing)' : text.split('\n').map((line) => `      ${line}`).join('\n').trimStart();
  }

  /** "it printed: …" after a wrong line, unless that line is all it printed (no need to say it twice). */
  besides(line: string): string {
    return this.output.trim() === line ? '' : `\n  it printed: ${this.printed()}`;
  }

  /**
   * Its next line. A stub's not-implemented error is rethrown as one; an ERROR line, an exit
   * or silence past LINE_TIMEOUT_MS fails the test, saying what was `expected` while `doing`.
   */
  async next(doing: string, expected: string): Promise<string> {
    const deadline = Date.now() + LINE_TIMEOUT_MS;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        const stub = /^(?:REFUSED NotImplementedError |ERROR NotImplementedError: )(.*)$/.exec(line);
        if (stub !== null) throw stubError(`${stub[1]} (in holder process ${this.name}, harness/lock-holder.ts)`);
        if (line.startsWith('ERROR ')) {
          throw mismatch(doing, expected, `holder ${this.name} failed: ${line.slice('ERROR '.length)}${this.besides(line)}`);
        }
        return line;
      }
      const left = deadline - Date.now();
      if (this.ended || left <= 0) {
        const what = this.ended
          ? `holder ${this.name} ended (${this.child.signalCode ?? `exit code ${this.child.exitCode}`}) without printing it`
          : `nothing within ${LINE_TIMEOUT_MS / 1000} s from holder ${this.name} (pid ${this.child.pid}): is openStore, put or close stuck waiting?`;
        throw mismatch(doing, expected, what, `it printed: ${this.printed()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Waits for `OPEN <pid>` and returns the pid. */
  async opened(doing: string): Promise<number> {
    const expected = 'OPEN <pid>: the store opens';
    const line = await this.next(doing, expected);
    const match = /^OPEN (\d+)$/.exec(line);
    if (match === null) throw mismatch(doing, expected, `${line}${this.besides(line)}`);
    return Number(match[1]);
  }

  /** Waits for exactly `want` as the next line. */
  async expectLine(want: string, doing: string): Promise<void> {
    const line = await this.next(doing, want);
    if (line !== want) throw mismatch(doing, want, `${line}${this.besides(line)}`);
  }
}

/** Whether a message names `pid` as a number of its own (so pid 12 is not found in 123). */
const namesPid = (message: string, pid: number) => new RegExp(`(?<!\\d)${pid}(?!\\d)`).test(message);

/** This process opening the directory while a live holder owns it: must reject LOCKED naming `owner`. */
async function expectLockedHere(stage: Stage08, dir: string, owner: number, doing: string): Promise<void> {
  let store: ConcurrentStore;
  try {
    store = await stage.openStore({ dir, fs: nodeFileSystem });
  } catch (error) {
    rethrowStub(error);
    if (codeOf(error) !== 'LOCKED') {
      throw mismatch(doing, `openStore rejects with code LOCKED naming pid ${owner}`, `${show(error)} (code ${show(codeOf(error))})`);
    }
    if (!namesPid(messageOf(error), owner)) {
      throw mismatch(doing, `the LOCKED error's message names the owner, pid ${owner}`, JSON.stringify(messageOf(error)));
    }
    return;
  }
  await store.close().catch(() => undefined);
  throw mismatch(doing, `openStore rejects with code LOCKED naming pid ${owner}`, `it opened: two owners of one directory, each writing its own log and files over the other's`);
}

rule(
  '08-R01',
  "two real processes on one directory: the second is refused with LOCKED naming the first's pid; after kill -9 of the first, the next open takes over and sees every write the first had acknowledged",
  'One owner per directory',
  async (stage) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kata-08-owner-'));
    const holders: Holder[] = [];
    const start = (name: string) => {
      const holder = new Holder(name, dir);
      holders.push(holder);
      return holder;
    };
    try {
      // A: the first owner, with three writes acknowledged (sync 'commit': each one on disk).
      const a = start('A');
      const pidA = await a.opened('holder A opens an empty directory on the real file system');
      for (const [key, value] of WRITES) a.send(`put ${key} ${value}`);
      for (const [key] of WRITES) await a.expectLine(`ACK ${key}`, `holder A (pid ${pidA}) puts ${key}`);

      // B: a second process on the same directory while A runs.
      const bHolder = start('B');
      const refusal = `REFUSED LOCKED <a message naming pid ${pidA}>: the directory belongs to holder A`;
      const line = await bHolder.next(`holder B opens the directory that holder A (pid ${pidA}) has open`, refusal);
      const refused = /^REFUSED (\S+) (.*)$/.exec(line);
      if (refused === null || refused[1] !== 'LOCKED' || !namesPid(refused[2]!, pidA)) {
        const why = /^OPEN /.test(line)
          ? ' (B opened it too: two owners of one directory. The first open must leave a mark that a second open, in any process, finds: a LOCK file with the owner\'s pid, made with O_EXCL)'
          : refused !== null && refused[1] === 'LOCKED'
            ? ` (the message must name the owner's pid, ${pidA}, so a user knows which process to stop)`
            : '';
        throw mismatch(`holder B opens the directory that holder A (pid ${pidA}) has open`, refusal, `${line}${why}${bHolder.besides(line)}`);
      }
      await bHolder.exited;

      // This process too: another owner in another process, whatever the caller.
      await expectLockedHere(stage, dir, pidA, `this test's process opens the directory that holder A (pid ${pidA}) has open`);

      // kill -9: A cannot clean up, so its LOCK stays behind, naming a process that no longer runs.
      if (!a.running) throw failure(`holder A (pid ${pidA}) ended before the kill`, `  it printed: ${a.printed()}`);
      a.kill();
      const end = await a.exited;
      expectSame(end.signal, 'SIGKILL', `holder A (pid ${pidA}) is killed with SIGKILL`);

      // C: the next open takes the stale lock over, then closes cleanly.
      const c = start('C');
      const pidC = await c.opened(
        `holder C opens the directory after holder A (pid ${pidA}) was killed with kill -9 (its lock names a process that no longer runs: it is stale and must be taken over)`,
      );
      c.send('close');
      await c.expectLine('CLOSED', `holder C (pid ${pidC}) closes the store`);

      // C still runs: had close() left its lock behind, it would name a live pid, and this open would say LOCKED.
      let store: ConcurrentStore;
      try {
        store = await stage.openStore({ dir, fs: nodeFileSystem });
      } catch (error) {
        rethrowStub(error);
        throw mismatch(
          `this test's process opens the directory after holder C (pid ${pidC}, still running) closed its store`,
          'the store opens: close() releases the directory',
          `${show(error)} (code ${show(codeOf(error))})`,
        );
      }
      try {
        for (const [key, value] of WRITES) {
          const found = await store.get(b(key));
          expectSame(found, b(value), `get ${key} after the takeover: holder A (pid ${pidA}) had this put acknowledged before its kill -9`);
        }
      } finally {
        await store.close();
      }
      c.end();
      const cEnd = await c.exited;
      expectSame(cEnd.code, 0, `holder C (pid ${pidC}) leaves once its stdin ends (exit code)`);
    } finally {
      for (const holder of holders) holder.kill();
      await Promise.all(holders.map((holder) => holder.exited));
      await rm(dir, { recursive: true, force: true });
    }
  },
  // Three node processes start one after another (under a second each; the test takes about 1 s),
  // and each wait has its own 15 s limit: this budget covers a slow machine, within the runner's 60 s.
  45_000,
);
