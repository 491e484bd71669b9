// A vitest setup file: each worker records when a test starts and when it ends, synchronously,
// from inside the worker. Vitest's own reports travel to the main process in batches on a
// timer, so a test stuck in an infinite loop would take the results of the tests before it
// down with it; these lines survive the runner killing vitest.

import { beforeEach } from 'vitest';
import { appendEvent, describeError, type ErrorLike } from './events.ts';

beforeEach((context) => {
  const test = context.task;
  const where = { file: test.file.filepath, title: test.name };
  appendEvent({ event: 'start', ...where });
  const started = performance.now();
  context.onTestFinished(() => {
    const result = test.result;
    const errors = (result?.errors ?? []) as ErrorLike[];
    const failed = result?.state === 'fail' || errors.length > 0;
    appendEvent({
      event: 'end',
      ...where,
      status: failed ? 'failed' : result?.state === 'pass' ? 'passed' : 'skipped',
      message: errors.map(describeError).join('\n'),
      durationMs: performance.now() - started,
    });
  });
});
