// Runs stage suites in a vitest child process and returns one outcome per test. Every command
// (test, check, grade, mutants) goes through here, so they all count tests the same way.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, type StageInfo, STAGES, stagePaths } from '../stages.ts';
import type { TargetKind } from '../target.ts';

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

export async function runSuites(options: RunOptions): Promise<StageOutcome[]> {
  const env: NodeJS.ProcessEnv = { KATA_TARGET: options.target, KATA_SEED: String(options.seed) };
  if (options.referenceRoot) env.KATA_REFERENCE_ROOT = options.referenceRoot;
  const report = await runVitest({
    paths: options.stages.map((stage) => `${stagePaths(stage).tests}/`),
    env,
    ...(options.only ? { testNamePattern: `^${escapeRegExp(options.only)} ` } : {}),
    showConsole: options.showConsole ?? true,
  });
  return collect(report, options.stages);
}

export interface VitestOptions {
  /** Folders (or files) to run, relative to the repository root. */
  paths: string[];
  /** Added to this process's environment; KATA_REFERENCE_ROOT is only ever what is passed. */
  env: NodeJS.ProcessEnv;
  testNamePattern?: string;
  showConsole: boolean;
}

/** Runs vitest in a child process and returns its JSON report. */
export async function runVitest(options: VitestOptions): Promise<VitestReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-run-'));
  const report = path.join(dir, 'report.json');
  const args = [
    path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=json',
    `--outputFile=${report}`,
    ...(options.showConsole ? [`--reporter=${path.join(ROOT, 'harness/runner/console-reporter.ts')}`] : ['--silent=true']),
    ...(options.testNamePattern ? ['--testNamePattern', options.testNamePattern] : []),
    ...options.paths,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
  delete env.KATA_REFERENCE_ROOT;
  Object.assign(env, options.env);
  try {
    const stderr = await runChild(args, env);
    try {
      return JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
    } catch {
      throw new Error(`vitest did not write its report; it said:\n${stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // stdout carries the learner's console output; drop vitest's note about the report file.
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString().replace(/^JSON report written to .*\n?/m, '');
      if (text !== '') process.stdout.write(text);
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', () => resolve(stderr));
  });
}

export interface VitestReport {
  testResults: Array<{
    name: string;
    status: string;
    message: string;
    assertionResults: Array<{ title: string; status: string; duration?: number | null; failureMessages: string[] }>;
  }>;
}

function collect(report: VitestReport, stages: readonly StageInfo[]): StageOutcome[] {
  const outcomes = new Map(stages.map((stage) => [stage.id, { stage, tests: [], loadErrors: [] } as StageOutcome]));
  for (const file of report.testResults) {
    const relative = path.relative(ROOT, file.name);
    const stage = STAGES.find((s) => relative.startsWith(`${stagePaths(s).tests}/`));
    const outcome = stage && outcomes.get(stage.id);
    if (!outcome) continue;
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      outcome.loadErrors.push(`${relative}: ${cleanMessage(file.message)}`);
    }
    for (const test of file.assertionResults) {
      const [id = '', ...words] = test.title.split(' ');
      const status = test.status === 'passed' ? 'passed' : test.status === 'failed' ? 'failed' : 'skipped';
      outcome.tests.push({
        id,
        title: words.join(' '),
        status,
        message: cleanMessage(test.failureMessages.join('\n')),
        durationMs: test.duration ?? 0,
      });
    }
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
  return kept.join('\n').replaceAll(`${ROOT}/`, '').replaceAll('file://', '').trimEnd();
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
