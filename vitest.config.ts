// Vitest settings for the stage suites and the harness's own tests. The test CLI
// (harness/cli/test.ts) chooses which folders run and against which target.

import { defineConfig } from 'vitest/config';
import { TEST_TIMEOUT_MS } from './harness/limits.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'harness/**/*.test.ts'],
    // Stage suites are small; threads start faster than forks on a 2-core machine.
    pool: 'threads',
    setupFiles: ['harness/runner/record-tests.ts'],
    testTimeout: TEST_TIMEOUT_MS, // harness/limits.ts says why
    // A learner's failing suite should show every failure, not stop at the first.
    bail: 0,
  },
});
