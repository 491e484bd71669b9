// Unit tests of the suite runner on fixture suites: a test stuck in an infinite loop is named
// as such while the tests before it keep their results (run again without it), a test
// process that dies is reported, and a stray process the tests started is killed with the
// run instead of keeping it waiting.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { runTestSet, type TestSet } from '../runner/attempts.ts';
import { ROOT } from '../stages.ts';

const FIXTURES = 'harness/test/fixtures/runner';

/** The fixture file as a test set that declares `ids`. */
function fixture(name: string, ids: string[], timeoutSeconds: number, env: NodeJS.ProcessEnv = {}): TestSet {
  const file = path.join(ROOT, FIXTURES, name);
  return {
    root: ROOT,
    paths: [`${FIXTURES}/${name}`],
    config: `${FIXTURES}/vitest.config.ts`,
    declared: ids.map((id) => ({ id, file })),
    env,
    showConsole: false,
    timeoutSeconds,
  };
}

test('a hanging test is reported by name, and the tests before it keep their results', async () => {
  const { tests } = await runTestSet(fixture('hang.fixture.ts', ['01-X01', '01-X02', '01-X03'], 3));
  const byId = Object.fromEntries(tests.map((t) => [t.id, t]));
  expect(byId['01-X01']?.status, '01-X01 passes').toBe('passed');
  expect(byId['01-X02']?.status, '01-X02 fails').toBe('failed');
  expect(byId['01-X02']?.message).toMatch(/expected 1 to be 2/);
  expect(byId['01-X03']?.status, '01-X03 hangs').toBe('failed');
  expect(byId['01-X03']?.message).toMatch(/^this test never finished: the run was stopped after 3 s while it was running/);
}, 60_000);

test('a test process that dies is reported as such, and the test before it keeps its result', async () => {
  const { tests } = await runTestSet(fixture('die.fixture.ts', ['01-Y01', '01-Y02'], 30));
  expect(tests.map((t) => `${t.id}: ${t.status}`)).toEqual(['01-Y01: passed', '01-Y02: failed']);
  expect(tests[1]!.message).toMatch(/never finished/);
}, 60_000);

test('a detached stray holding the output is killed when the run ends, and does not hold the run up', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-stray-'));
  const pidFile = path.join(dir, 'pid');
  try {
    const started = performance.now();
    const { tests } = await runTestSet(fixture('stray.fixture.ts', ['01-Z01'], 30, { KATA_FIXTURE_PID: pidFile }));
    const seconds = (performance.now() - started) / 1000;
    expect(tests.map((t) => `${t.id}: ${t.status}`)).toEqual(['01-Z01: passed']);
    expect(seconds, 'seconds the run took (the stray sleeps 90)').toBeLessThan(8);
    expect(existsSync(pidFile), 'the fixture wrote its stray pid').toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(running(pid), `the stray (pid ${pid}) is still running after the run`).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

/** Whether the process runs (a zombie, killed and not yet reaped by whoever adopted it, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
