// Runs vitest in a child process with the kata reporter, within a time budget, and gathers
// the events it left: which tests ended how, which were still running, which files failed
// to load, and how the process ended. A learner's infinite loop freezes a worker, which
// vitest cannot interrupt, so past the budget the process is killed.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../stages.ts';
import type { KataEvent } from './events.ts';

export interface VitestOptions {
  /** Folders (or files) to run, relative to the repository root. */
  paths: string[];
  /** Added to this process's environment; KATA_REFERENCE_ROOT is only ever what is passed. */
  env: NodeJS.ProcessEnv;
  testNamePattern?: string;
  showConsole: boolean;
  timeoutSeconds: number;
  /** A vitest config other than the root one (the runner's own fixtures). */
  config?: string;
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
  /** Tests that started and never ended (the process was killed or died). */
  running: Array<{ file: string; title: string }>;
  loadErrors: Array<{ file: string; message: string }>;
  /** Why the process stopped early, when it did: "stopped after 60 s", "died with SIGKILL". */
  abnormalEnd?: string;
}

export async function runVitest(options: VitestOptions): Promise<VitestRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-run-'));
  const results = path.join(dir, 'events.jsonl');
  const args = [
    path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    `--reporter=${path.join(ROOT, 'harness/runner/kata-reporter.ts')}`,
    ...(options.config ? ['--config', options.config] : []),
    ...(options.testNamePattern ? ['--testNamePattern', options.testNamePattern] : []),
    ...options.paths,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', KATA_RESULTS: results };
  if (!process.stdout.isTTY) env.NO_COLOR = '1';
  delete env.KATA_REFERENCE_ROOT;
  if (!options.showConsole) env.KATA_QUIET = '1';
  Object.assign(env, options.env);
  try {
    const end = await runChild(args, env, options.timeoutSeconds);
    const events = existsSync(results)
      ? readFileSync(results, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as KataEvent)
      : [];
    const run = gather(events);
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

function gather(events: KataEvent[]): VitestRun {
  const running = new Map<string, { file: string; title: string }>();
  const run: VitestRun = { ended: [], running: [], loadErrors: [] };
  for (const e of events) {
    if (e.event === 'start') running.set(`${e.file}\0${e.title}`, { file: e.file, title: e.title });
    if (e.event === 'load-error') run.loadErrors.push({ file: e.file, message: e.message });
    if (e.event === 'end') {
      running.delete(`${e.file}\0${e.title}`);
      run.ended.push(e);
    }
  }
  run.running = [...running.values()];
  return run;
}

interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
}

function runChild(args: string[], env: NodeJS.ProcessEnv, timeoutSeconds: number): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr });
    });
  });
}
