// A vitest setup file, run in each test worker before the test file and the code it tests.
// Two jobs:
//
// - It leaves a hint when a test starts, appended synchronously to the file KATA_HINTS names.
//   Vitest's own reports leave a worker in batches on a timer, so a test stuck in an infinite
//   loop keeps the reports before it from leaving; the hint lets the runner name the test
//   that hung and run the others again. Hints are never results: learner code runs in this
//   worker and could write anything here, so the runner uses a hint only to leave a test out
//   of a rerun (which can fail that test, never pass one).
// - It takes process.send away from the code under test. Vitest keeps its own bound copy of
//   it from before this file ran; a message learner code sends would otherwise arrive on
//   vitest's channel to the main process.

import { appendFileSync } from 'node:fs';
import { beforeEach } from 'vitest';

if (process.send !== undefined) {
  process.send = () => {
    throw new Error('process.send is not available to code under test: the channel belongs to the test runner');
  };
}

const HINTS = process.env.KATA_HINTS; // read before the code under test could change it

beforeEach((context) => {
  if (HINTS) appendFileSync(HINTS, `${JSON.stringify({ file: context.task.file.filepath, title: context.task.name })}\n`);
});
