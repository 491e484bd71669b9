// Runs stage suites and returns one outcome per declared test. Every command (test, check,
// grade, mutants) goes through here, so they all count alike. Each stage runs in its own
// vitest process, and every test its files declare is accounted for: one that never
// reported — its file failed to load, the process died, a test before it hung — counts as
// failed, with the reason. A crash or a hang can never shrink the count.

import path from 'node:path';
import { type Engine, ROOT, type StageInfo, stagePaths } from '../stages.ts';
import type { TargetKind } from '../target.ts';
import { declaredTests } from '../test-ids.ts';
import { runVitest, type VitestRun } from './vitest-process.ts';

export interface TestOutcome {
  /** The stable id that starts every test name, e.g. 02-E07. */
  id: string;
  /** The test name without its id: the rule it checks (the id alone if it never ran). */
  title: string;
  status: 'passed' | 'failed' | 'skipped';
  /** The failure, as the test wrote it (stack frames from node_modules and the harness removed). */
  message: string;
  durationMs: number;
}

export interface StageOutcome {
  stage: StageInfo;
  tests: TestOutcome[];
  /** Errors that belong to no single test (an unhandled rejection, vitest itself failing). */
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
  /** The reference engine for stages that have two (KATA_ENGINE); the adapter's default otherwise. */
  engine?: Engine;
  /** Whose earlier stage a learner's stage builds on (KATA_BASE): theirs (the default) or the reference's. */
  base?: 'learner' | 'reference';
}

/** Seconds a stage's run may take before the runner assumes a hang. Suites take 1–3 s. */
const SECONDS_PER_STAGE = 60;

export async function runSuites(options: RunOptions): Promise<StageOutcome[]> {
  const outcomes: StageOutcome[] = [];
  for (const stage of options.stages) {
    const env: NodeJS.ProcessEnv = { KATA_TARGET: options.target, KATA_SEED: String(options.seed) };
    if (options.referenceRoot) env.KATA_REFERENCE_ROOT = options.referenceRoot;
    if (options.only) env.KATA_ONLY = options.only;
    if (options.engine) env.KATA_ENGINE = options.engine;
    if (options.base) env.KATA_BASE = options.base;
    const run = await runVitest({
      paths: [`${stagePaths(stage).tests}/`],
      env,
      ...(options.only ? { testNamePattern: `^${escapeRegExp(options.only)} ` } : {}),
      showConsole: options.showConsole ?? true,
      timeoutSeconds: SECONDS_PER_STAGE,
    });
    outcomes.push(account(stage, run, options.only));
  }
  return outcomes;
}

/** Matches what ran against what the suite declares. */
function account(stage: StageInfo, run: VitestRun, only: string | undefined): StageOutcome {
  const declared = declaredTests(stage).filter((t) => only === undefined || t.id === only);
  const idOf = (title: string) => title.split(' ')[0] ?? '';
  const ended = new Map(run.ended.map((t) => [idOf(t.title), t]));
  const running = run.running.map((t) => idOf(t.title));
  const fileErrors = new Map(run.loadErrors.filter((e) => e.file !== '').map((e) => [e.file, e.message]));
  const tests: TestOutcome[] = declared.map(({ id, file }) => {
    const result = ended.get(id);
    if (result) {
      const [, ...words] = result.title.split(' ');
      return { id, title: words.join(' '), status: result.status, message: explainTimeout(cleanMessage(result.message)), durationMs: result.durationMs };
    }
    return { id, title: '', status: 'failed', message: whyMissing(id, file, running, fileErrors, run.abnormalEnd), durationMs: 0 };
  });
  const loadErrors = run.loadErrors
    .filter((e) => e.file === '' || !declared.some((t) => t.file === e.file))
    .map((e) => `${e.file === '' ? '' : `${path.relative(ROOT, e.file)}: `}${cleanMessage(e.message)}`);
  return { stage, tests, loadErrors };
}

function whyMissing(id: string, file: string, running: string[], fileErrors: Map<string, string>, abnormalEnd: string | undefined): string {
  const fileError = fileErrors.get(file);
  if (fileError !== undefined) return `${path.relative(ROOT, file)} could not be loaded:\n${cleanMessage(fileError)}`;
  if (running.includes(id)) {
    const others = running.filter((other) => other !== id);
    return (
      `this test never finished: ${abnormalEnd ?? 'the run ended'} while it was running` +
      (others.length > 0 ? ` (so were ${others.join(', ')}: one of them is stuck)` : '') +
      '. Look for a loop that never ends (a cursor that does not advance, a pointer that points back) ' +
      'or work on every operation that grows with the store (re-sorting on each put).'
    );
  }
  if (abnormalEnd !== undefined) return `this test did not run: ${abnormalEnd} before it started (see the tests marked as never finished).`;
  return 'this test did not run (vitest did not report it).';
}

/** Keeps the message and the frames in the learner's or reference code, with short paths. */
export function cleanMessage(message: string): string {
  if (message.startsWith('NotImplementedError')) return message.split('\n')[0]!;
  const seen = new Set<string>();
  const kept = message.split('\n').filter((line) => {
    if (!/^\s+at /.test(line)) return true;
    if (line.includes('node_modules') || line.includes('/harness/') || line.includes('node:')) return false;
    const frame = line.trim();
    if (seen.has(frame)) return false; // a property's message already lists its frames
    seen.add(frame);
    return true;
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
