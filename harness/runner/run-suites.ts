// Runs stage suites in a vitest child process and returns one outcome per test. Every command
// (test, check, grade, mutants) goes through here, so they all count tests the same way.
// A run has a time budget: a learner's infinite loop freezes a worker, which vitest cannot
// interrupt, so the runner kills it and reports the test that never finished.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, type StageInfo, STAGES, stagePaths } from '../stages.ts';
import type { TargetKind } from '../target.ts';
import type { KataEvent } from './kata-reporter.ts';

export interface TestOutcome {
  /** The stable id that starts every test name, e.g. 02-E07. */
  id: string;
  /** The test name without its id: the rule it checks. */
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure, as the test wrote it (stack frames from node_modules and the harness removed). */
  message: string;
  durationMs: number;
}

export interface StageOutcome {
  stage: StageInfo;
  tests: TestOutcome[];
  /** A test file that failed to load (a syntax error in the learner's code, say). */
  loadErrors: string[];
}

export interface RunOptions {
  stages: readonly StageInfo[];
  target: TargetKind;
  seed: number;
  /** Only the test with this id. */
  only?: string;
  /** Another copy of reference/ (mutants). */
  referenceRoot?: string;
  /** Forward console output of the code under test (default true). */
  showConsole?: boolean;
}

/** Seconds a run may take per stage before the runner assumes a hang. Suites take ~1 s. */
const SECONDS_PER_STAGE = 60;

export async function runSuites(options: RunOptions): Promise<StageOutcome[]> {
  const env: NodeJS.ProcessEnv = { KATA_TARGET: options.target, KATA_SEED: String(options.seed) };
  if (options.referenceRoot) env.KATA_REFERENCE_ROOT = options.referenceRoot;
  const run = await runVitest({
    paths: options.stages.map((stage) => `${stagePaths(stage).tests}/`),
    env,
    ...(options.only ? { testNamePattern: `^${escapeRegExp(options.only)} ` } : {}),
    showConsole: options.showConsole ?? true,
    timeoutSeconds: SECONDS_PER_STAGE * options.stages.length,
  });
  return collect(run, options.stages);
}

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

export interface RawTest {
  file: string;
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  message: string;
  durationMs: number;
}

export interface VitestRun {
  tests: RawTest[];
  loadErrors: Array<{ file: string; message: string }>;
}

/** Runs vitest in a child process with the kata reporter and gathers its events. */
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
    const { stderr, timedOut } = await runChild(args, env, options.timeoutSeconds);
    const events = existsSync(results)
      ? readFileSync(results, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as KataEvent)
      : [];
    const run = gather(events, timedOut ? options.timeoutSeconds : undefined);
    if (run.tests.length === 0 && run.loadErrors.length === 0 && stderr.trim() !== '') {
      run.loadErrors.push({ file: '', message: `vitest stopped before running any test:\n${stderr.trim()}` });
    }
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function gather(events: KataEvent[], timedOutAfter: number | undefined): VitestRun {
  const started = new Map<string, { file: string; title: string }>();
  const run: VitestRun = { tests: [], loadErrors: [] };
  for (const e of events) {
    if (e.event === 'start') started.set(`${e.file}\0${e.title}`, e);
    if (e.event === 'load-error') run.loadErrors.push({ file: e.file, message: e.message });
    if (e.event === 'end') {
      started.delete(`${e.file}\0${e.title}`);
      const status = e.status === 'passed' ? 'passed' : e.status === 'failed' ? 'failed' : 'skipped';
      run.tests.push({ file: e.file, title: e.title, status, message: e.message, durationMs: e.durationMs });
    }
  }
  if (timedOutAfter !== undefined) {
    for (const { file, title } of started.values()) {
      run.tests.push({
        file,
        title,
        status: 'failed',
        durationMs: timedOutAfter * 1000,
        message: `this test never finished: the run was stopped after ${timedOutAfter}s. ` +
          'Look for a loop that never ends (a cursor that does not advance, a pointer that points back) ' +
          'or work on every operation that grows with the store (re-sorting on each put). ' +
          'Tests after it in the same file did not run.',
      });
    }
    if (started.size === 0) {
      run.loadErrors.push({ file: '', message: `the run was stopped after ${timedOutAfter}s before any test finished` });
    }
  }
  return run;
}

function runChild(args: string[], env: NodeJS.ProcessEnv, timeoutSeconds: number): Promise<{ stderr: string; timedOut: boolean }> {
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
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ stderr, timedOut });
    });
  });
}

function collect(run: VitestRun, stages: readonly StageInfo[]): StageOutcome[] {
  const outcomes = new Map(stages.map((stage) => [stage.id, { stage, tests: [], loadErrors: [] } as StageOutcome]));
  const stageOf = (file: string) => {
    const relative = path.relative(ROOT, file);
    const stage = STAGES.find((s) => relative.startsWith(`${stagePaths(s).tests}/`));
    return stage && outcomes.get(stage.id);
  };
  for (const error of run.loadErrors) {
    const outcome = stageOf(error.file);
    const where = error.file === '' ? '' : `${path.relative(ROOT, error.file)}: `;
    // An error that belongs to no stage (vitest itself failed) counts against every stage.
    for (const target of outcome ? [outcome] : outcomes.values()) target.loadErrors.push(`${where}${cleanMessage(error.message)}`);
  }
  for (const test of run.tests) {
    const outcome = stageOf(test.file);
    if (!outcome) continue;
    const [id = '', ...words] = test.title.split(' ');
    const message = explainTimeout(cleanMessage(test.message));
    outcome.tests.push({ id, title: words.join(' '), status: test.status, message, durationMs: test.durationMs });
  }
  for (const outcome of outcomes.values()) outcome.tests.sort((a, b) => a.id.localeCompare(b.id));
  return [...outcomes.values()];
}

/** Keeps the message and the frames in the learner's or reference code, with short paths. */
export function cleanMessage(message: string): string {
  if (message.startsWith('NotImplementedError')) return message.split('\n')[0]!;
  const lines = message.split('\n');
  const kept = lines.filter((line) => {
    if (!/^\s+at /.test(line)) return true;
    return !line.includes('node_modules') && !line.includes('/harness/') && !line.includes('node:');
  });
  return kept
    .join('\n')
    .replace(/\x1b\[[0-9;]*m/g, '') // colours from esbuild and vitest: noise in a report or a JSON grade
    .replaceAll('file://', '')
    .replaceAll(`${ROOT}/`, '')
    .trimEnd();
}

/** Vitest's "Test timed out in 20000ms." says nothing about why; say what usually causes it. */
function explainTimeout(message: string): string {
  const match = /Test timed out in (\d+)ms/.exec(message);
  if (match === null) return message;
  return `${message.split('\n')[0]}\n  The test ran past its budget of ${Number(match[1]) / 1000} s. Usual causes: a promise that never ` +
    'resolves (a missing await or resolve), a loop that never ends, or work on every operation that grows with the ' +
    'store (re-sorting everything on each put, a linear search per get).';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function countTests(outcomes: readonly StageOutcome[]): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const { tests, loadErrors } of outcomes) {
    passed += tests.filter((t) => t.status === 'passed').length;
    failed += tests.filter((t) => t.status === 'failed').length + loadErrors.length;
  }
  return { passed, failed };
}
