// Runs vitest in a child process with the kata reporter, within a time budget, and gathers
// what the run decided: which tests ended how, which files failed to load, and how the
// process ended. Results come only from lines signed with the run's key (channel.ts), which
// only the reporter in vitest's main process holds; learner code runs in forked workers.
// A learner's infinite loop freezes a worker, which vitest cannot interrupt, so past the
// budget the run is killed: vitest's whole process group and any detached stray (strays.ts).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../stages.ts';
import { newKey, verifiedEvents } from './channel.ts';
import { killRun } from './strays.ts';

export interface VitestOptions {
  /** Folders (or files) to run, relative to `root`. */
  paths: string[];
  /** The course tree to run in (a pristine copy when grading); this repository by default. */
  root?: string;
  /** Added to this process's environment; KATA_REFERENCE_ROOT is only ever what is passed. */
  env: NodeJS.ProcessEnv;
  testNamePattern?: string;
  showConsole: boolean;
  timeoutSeconds: number;
  /** A vitest config other than the root one (the runner's own fixtures). */
  config?: string;
  /** 'forks' keeps the code under test out of vitest's main process; the config's pool otherwise. */
  pool?: 'forks' | 'threads';
}

export interface EndedTest {
  file: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  message: string;
  durationMs: number;
}

export interface VitestRun {
  ended: EndedTest[];
  /** Per test file, the last test a worker said it started and that has no result: the stuck ones, when the run was cut short. */
  running: Array<{ file: string; title: string }>;
  loadErrors: Array<{ file: string; message: string }>;
  /** Why the process stopped early, when it did: "stopped after 60 s", "died with SIGKILL". */
  abnormalEnd?: string;
  /** Lines in the results file without this run's signature (learner code writing there): ignored. */
  forged: number;
}

/** How long to wait for the output pipes once the run's processes are gone. */
const PIPE_GRACE_MS = 1000;

export async function runVitest(options: VitestOptions): Promise<VitestRun> {
  const root = options.root ?? ROOT;
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-run-'));
  const results = path.join(dir, 'results.jsonl');
  const hints = path.join(dir, 'hints.jsonl');
  const key = newKey();
  const marker = `KATA_RUN_ID=${randomBytes(12).toString('hex')}`;
  const args = [
    path.join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    `--reporter=${path.join(root, 'harness/runner/kata-reporter.ts')}`,
    ...(options.config ? ['--config', options.config] : []),
    ...(options.pool ? [`--pool=${options.pool}`] : []),
    ...(options.testNamePattern ? ['--testNamePattern', options.testNamePattern] : []),
    ...options.paths,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', KATA_RESULTS: results, KATA_HINTS: hints };
  env.KATA_RUN_ID = marker.slice('KATA_RUN_ID='.length);
  if (!process.stdout.isTTY) env.NO_COLOR = '1';
  delete env.KATA_REFERENCE_ROOT;
  if (!options.showConsole) env.KATA_QUIET = '1';
  Object.assign(env, options.env);
  try {
    const end = await runChild(args, root, env, key, marker, options.timeoutSeconds, !options.showConsole);
    const { events, forged } = verifiedEvents(key, existsSync(results) ? readFileSync(results, 'utf8') : '');
    const run: VitestRun = { ended: [], running: [], loadErrors: [], forged };
    for (const e of events) {
      if (e.event === 'end') run.ended.push(e);
      else run.loadErrors.push({ file: e.file, message: e.message });
    }
    run.running = stuck(existsSync(hints) ? readFileSync(hints, 'utf8') : '', run.ended);
    if (end.timedOut) run.abnormalEnd = `the run was stopped after ${options.timeoutSeconds} s`;
    else if (end.signal !== null || (end.code !== 0 && end.code !== 1)) {
      run.abnormalEnd = `the test process died (${end.signal ?? `exit code ${end.code}`})`;
    }
    if (run.ended.length === 0 && run.loadErrors.length === 0 && end.stderr.trim() !== '' && end.code !== 0) {
      run.loadErrors.push({ file: '', message: `vitest stopped before running any test:\n${end.stderr.trim()}` });
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per file, the last test a worker hinted it started, when no signed result says it ended. */
function stuck(hintText: string, ended: EndedTest[]): Array<{ file: string; title: string }> {
  const last = new Map<string, string>();
  for (const line of hintText.split('\n')) {
    try {
      const hint = JSON.parse(line) as { file?: unknown; title?: unknown };
      if (typeof hint.file === 'string' && typeof hint.title === 'string') last.set(hint.file, hint.title);
    } catch {
      // Not a hint: learner code may write anything here, and hints only ever fail tests.
    }
  }
  const done = new Set(ended.map((t) => `${t.file}\0${t.title}`));
  return [...last].filter(([file, title]) => !done.has(`${file}\0${title}`)).map(([file, title]) => ({ file, title }));
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
}

function runChild(args: string[], root: string, env: NodeJS.ProcessEnv, key: string, marker: string, timeoutSeconds: number, quiet: boolean): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    // detached: vitest leads a process group of its own, which killRun ends as a whole.
    // stdout is the learner's console (forwarded by the reporter) or nothing: it is never read.
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['pipe', quiet ? 'ignore' : 'inherit', 'pipe'], detached: true });
    child.stdin.on('error', () => undefined); // vitest gone before reading its key: its exit says why
    child.stdin.end(`${key}\n`);
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killRun(child.pid!, marker);
    }, timeoutSeconds * 1000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    // 'exit', not 'close': a stray holding stderr open must not keep the run going.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      killRun(child.pid!, marker);
      const finish = () => resolve({ code, signal, timedOut, stderr });
      if (child.stderr.closed) return finish();
      const grace = setTimeout(() => {
        child.stderr.destroy();
        finish();
      }, PIPE_GRACE_MS);
      child.stderr.once('close', () => {
        clearTimeout(grace);
        finish();
      });
    });
  });
}
