// Unit tests of the suite runner on fixture suites: results are gathered per test, and a test
// stuck in an infinite loop is named as such while the results before it survive.

import { expect, test } from 'vitest';
import { runVitest } from '../runner/vitest-process.ts';

test('a hanging test is reported by name, and the tests before it keep their results', async () => {
  const run = await runVitest({
    paths: ['harness/test/fixtures/hang.fixture.ts'],
    config: 'harness/test/fixtures/vitest.config.ts',
    env: {},
    showConsole: false,
    timeoutSeconds: 3,
  });
  const byTitle = Object.fromEntries(run.ended.map((t) => [t.title, t]));
  expect(byTitle['01-X01 passes']?.status).toBe('passed');
  expect(byTitle['01-X02 fails']?.status).toBe('failed');
  expect(byTitle['01-X02 fails']?.message).toMatch(/expected 1 to be 2/);
  expect(run.running.map((t) => t.title)).toEqual(['01-X03 hangs']);
  expect(run.abnormalEnd).toMatch(/stopped after 3 s/);
}, 30_000);

test('a test process that dies is reported as such, with the test that was running', async () => {
  const run = await runVitest({
    paths: ['harness/test/fixtures/die.fixture.ts'],
    config: 'harness/test/fixtures/vitest.config.ts',
    env: {},
    showConsole: false,
    timeoutSeconds: 30,
  });
  expect(run.ended.map((t) => `${t.title}: ${t.status}`)).toEqual(['01-Y01 passes: passed']);
  expect(run.running.map((t) => t.title)).toEqual(['01-Y02 kills the process']);
  expect(run.abnormalEnd).toMatch(/died \(SIGKILL\)/);
}, 60_000);
