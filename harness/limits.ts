// How long a test and a stage's run may take before they count as too slow or hung: one place,
// read by vitest.config.ts and the runner. The rule: a correct solution three times slower than
// the reference, on a busy 2-core machine, still passes. The slowest reference tests take up
// to 20 s there (05-C01 under load), so a test gets 60 s; the slowest suite up to ~30 s, so a
// stage's run gets 5 minutes before the runner stops it and names the test that never ended.
// Suites are made fast instead of limits raised wherever that works: each spec states its
// suite's measured time.

export const TEST_TIMEOUT_MS = 60_000;
export const STAGE_TIMEOUT_SECONDS = 300;
