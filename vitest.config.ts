// Vitest settings for the stage suites and the harness's own tests. The test CLI
// (harness/cli/test.ts) chooses which folders run and against which target.

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'harness/**/*.test.ts'],
    // Stage suites are small; threads start faster than forks on a 2-core machine.
    pool: 'threads',
    setupFiles: ['harness/runner/record-tests.ts'],
    testTimeout: 20_000,
    // A learner's failing suite should show every failure, not stop at the first.
    bail: 0,
  },
});
