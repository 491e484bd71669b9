// Unit tests of the suite runner on fixture suites: results are gathered per test, and a test
// stuck in an infinite loop is named as such while the results before it survive.

import { expect, test } from 'vitest';
import { runVitest } from '../runner/run-suites.ts';

test('a hanging test is reported by name, and the tests before it keep their results', async () => {
  const run = await runVitest({
    paths: ['harness/test/fixtures/hang.fixture.ts'],
    config: 'harness/test/fixtures/vitest.config.ts',
    env: {},
    showConsole: false,
    timeoutSeconds: 3,
  });
  const byTitle = Object.fromEntries(run.tests.map((t) => [t.title, t]));
  expect(byTitle['01-X01 passes']?.status).toBe('passed');
  expect(byTitle['01-X02 fails']?.status).toBe('failed');
  expect(byTitle['01-X02 fails']?.message).toMatch(/expected 1 to be 2/);
  expect(byTitle['01-X03 hangs']?.status).toBe('failed');
  expect(byTitle['01-X03 hangs']?.message).toMatch(/never finished.*a loop that never ends/);
}, 30_000);
