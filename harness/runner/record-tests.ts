// A vitest setup file: each worker appends a line to KATA_RESULTS when a test starts and when
// it ends, synchronously, from inside the worker. Vitest's own reports travel to the main
// process in batches on a timer, so a test stuck in an infinite loop would take the results
// of the tests before it down with it; these lines survive the runner killing vitest.

import { appendFileSync } from 'node:fs';
import { beforeEach } from 'vitest';
import type { KataEvent } from './kata-reporter.ts';

const file = process.env.KATA_RESULTS;

function write(event: KataEvent): void {
  if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
}

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
}

beforeEach((context) => {
  const test = context.task;
  const where = { file: test.file.filepath, title: test.name };
  write({ event: 'start', ...where });
  const started = performance.now();
  context.onTestFinished(() => {
    const result = test.result;
    const errors = (result?.errors ?? []) as ErrorLike[];
    write({
      event: 'end',
      ...where,
      status: result?.state === 'pass' ? 'passed' : result?.state === 'fail' || errors.length > 0 ? 'failed' : 'skipped',
      message: errors.map(describe).join('\n'),
      durationMs: performance.now() - started,
    });
  });
});

/** The error's own name and message, then the stack frames (vitest's timeout error has a placeholder stack). */
function describe(error: ErrorLike): string {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name ?? 'Error'}: ${error.message ?? ''}`, ...frames].join('\n');
}
