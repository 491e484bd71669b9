// Runs a set of declared tests to an outcome for each, in as many vitest runs as it takes.
// When a test hangs or kills its worker, the results that worker had not sent yet are lost
// with it (vitest sends them in batches), so the tests that reported nothing run again
// without the stuck one, which counts as failed. Every declared test ends with an outcome:
// one that never reported counts as failed, with the reason, so a crash or a hang can never
// shrink the count. Only signed results count (vitest-process.ts).

import path from 'node:path';
import type { DeclaredTest } from '../test-ids.ts';
import { cleanMessage, escapeRegExp, explainTimeout } from './messages.ts';
import type { TestOutcome } from './run-suites.ts';
import { type EndedTest, runVitest } from './vitest-process.ts';

export interface TestSet {
  /** The course tree the run happens in. */
  root: string;
  /** Folders or files to run, relative to root. */
  paths: string[];
  /** Every test the files declare: one outcome each, in this order. */
  declared: DeclaredTest[];
  env: NodeJS.ProcessEnv;
  showConsole: boolean;
  timeoutSeconds: number;
  /** A vitest config other than the tree's own (the runner's fixtures). */
  config?: string;
}

/** Runs after the first, when a run was cut short: each leaves out the tests that were stuck. */
const RERUNS = 2;

const idOf = (title: string) => title.split(' ')[0] ?? '';

export async function runTestSet(set: TestSet): Promise<{ tests: TestOutcome[]; loadErrors: string[] }> {
  const ended = new Map<string, EndedTest>();
  const stuck = new Map<string, string>();
  const loadErrors: Array<{ file: string; message: string }> = [];
  let fileErrors = new Map<string, string>();
  let abnormalEnd: string | undefined;
  const all = set.declared.map((t) => t.id);
  let pending = all;
  for (let attempt = 0; attempt <= RERUNS && pending.length > 0; attempt++) {
    // The first run names no test unless the set is a subset (--only); a rerun names those left.
    const named = attempt === 0 ? (set.env.KATA_ONLY ? [set.env.KATA_ONLY] : undefined) : pending;
    const run = await runVitest({
      root: set.root,
      paths: set.paths,
      env: set.env,
      ...(named ? { testNamePattern: `^(?:${named.map(escapeRegExp).join('|')}) ` } : {}),
      showConsole: set.showConsole,
      timeoutSeconds: set.timeoutSeconds,
      pool: 'forks',
      ...(set.config ? { config: set.config } : {}),
    });
    for (const test of run.ended) {
      const id = idOf(test.title);
      if (pending.includes(id) && !ended.has(id)) ended.set(id, test);
    }
    for (const error of run.loadErrors) {
      if (!loadErrors.some((e) => e.file === error.file && e.message === error.message)) loadErrors.push(error);
    }
    if (attempt === 0) fileErrors = new Map(run.loadErrors.filter((e) => e.file !== '').map((e) => [e.file, e.message]));
    // A test that started and never reported stopped its worker: hung (the run was killed) or
    // ended it (process.exit, a crash), even when vitest itself ended normally.
    const running = run.running.map((t) => idOf(t.title)).filter((id) => pending.includes(id) && !ended.has(id));
    abnormalEnd ??= run.abnormalEnd;
    if (running.length === 0) break; // nothing to leave out: a rerun would end the same way
    const reason = run.abnormalEnd ?? 'its test process ended';
    for (const id of running) stuck.set(id, neverFinished(reason, running.filter((other) => other !== id)));
    pending = pending.filter((id) => !ended.has(id) && !stuck.has(id));
  }
  const tests: TestOutcome[] = set.declared.map(({ id, file }) => {
    const result = ended.get(id);
    if (result) {
      const [, ...words] = result.title.split(' ');
      return { id, title: words.join(' '), status: result.status, message: explainTimeout(cleanMessage(result.message, set.root)), durationMs: result.durationMs };
    }
    const message = stuck.get(id) ?? whyMissing(file, fileErrors, abnormalEnd, set.root);
    return { id, title: '', status: 'failed', message, durationMs: 0 };
  });
  const setErrors = loadErrors
    .filter((e) => e.file === '' || !set.declared.some((t) => t.file === e.file))
    .map((e) => `${e.file === '' ? '' : `${path.relative(set.root, e.file)}: `}${cleanMessage(e.message, set.root)}`);
  return { tests, loadErrors: setErrors };
}

function neverFinished(abnormalEnd: string, others: string[]): string {
  return (
    `this test never finished: ${abnormalEnd} while it was running` +
    (others.length > 0 ? ` (so were ${others.join(', ')}: one of them is stuck)` : '') +
    '. Look for a loop that never ends (a cursor that does not advance, a pointer that points back) ' +
    'or work on every operation that grows with the store (re-sorting on each put).'
  );
}

function whyMissing(file: string, fileErrors: Map<string, string>, abnormalEnd: string | undefined, root: string): string {
  const fileError = fileErrors.get(file);
  if (fileError !== undefined) return `${path.relative(root, file)} could not be loaded:\n${cleanMessage(fileError, root)}`;
  if (abnormalEnd !== undefined) return `this test did not run: ${abnormalEnd} before it started (see the tests marked as never finished).`;
  return 'this test did not run (vitest did not report it).';
}
