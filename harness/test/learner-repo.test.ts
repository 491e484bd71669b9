// A learner's starter repository has no reference/ (docs/instructors.md): this copies the
// course without it into a temporary directory and runs what a learner runs there. npm test
// must show the red start and its closing count, npm run typecheck and npm run lint must pass,
// and npm run grade must grade a stage.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../stages.ts';

/** What an instructor leaves out of the starter repository (and what no checkout has). */
const LEFT_OUT = new Set(['reference', 'node_modules', '.git', '.kata', 'data', 'grade.json', 'results.json']);

let repo: string;
beforeAll(() => {
  repo = path.join(mkdtempSync(path.join(tmpdir(), 'kata-starter-')), 'dbkata');
  cpSync(ROOT, repo, { recursive: true, filter: (source) => !LEFT_OUT.has(path.relative(ROOT, source).split(path.sep)[0]!) });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
});
afterAll(() => rmSync(path.dirname(repo), { recursive: true, force: true }));

function npm(...args: string[]): { status: number | null; out: string } {
  const { KATA_TARGET: _target, KATA_SEED: _seed, ...env } = process.env; // as a learner's shell has them: unset
  const run = spawnSync('npm', ['run', '--silent', ...args], { cwd: repo, encoding: 'utf8', env });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

test('the copy has no reference/', () => {
  expect(existsSync(path.join(repo, 'reference'))).toBe(false);
  expect(existsSync(path.join(repo, 'stages/01-repl/index.ts'))).toBe(true);
});

test('npm test -- stage 01: the red start, and the closing count as the last line', () => {
  const { status, out } = npm('test', '--', 'stage', '01', '--seed', '1');
  const count = /all (\d+) tests stop at a stub/.exec(out)?.[1];
  expect(count, `the red start's summary line, in:\n${out}`).toBeDefined();
  expect(out.trimEnd().split('\n').at(-1)).toBe(`0 passed, ${count} failed`);
  expect(status, 'exit status of a failing suite').toBe(1);
}, 60_000);

test('npm run typecheck passes (bench/ and the harness tests, which need the reference, left out)', () => {
  const { status, out } = npm('typecheck');
  expect(status, `tsc's output:\n${out}`).toBe(0);
}, 120_000);

test('npm run lint passes', () => {
  const { status, out } = npm('lint');
  expect(out.trimEnd().split('\n').at(-1)).toBe('lint: no problems');
  expect(status).toBe(0);
}, 60_000);

test('npm run grade -- --stages 01 grades one stage there', () => {
  const json = path.join(path.dirname(repo), 'grade.json');
  const { status, out } = npm('grade', '--', '--stages', '01', '--json', json);
  expect(status, out).toBe(0);
  const grade = JSON.parse(readFileSync(json, 'utf8')) as { stages: Array<{ id: string; score: number }> };
  expect(grade.stages.map((s) => `${s.id}: ${s.score}`)).toEqual(['01: 0']);
}, 60_000);
