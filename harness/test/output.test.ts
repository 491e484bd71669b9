// What a learner reads: the rerun line keeps the engine and base of the run, the red start
// lists the plan, failures built by harness/assert.ts read alike and may name their own spec
// section, and replay points number the scenarios of a crash or fault test.

import { expect, test } from 'vitest';
import { expectContents, expectErrorCode, expectRejects, expectResolves, expectSame, Mismatch, mismatch } from '../assert.ts';
import { rerunCommand } from '../kata.ts';
import { beginTest, failedPoint, replayPoint } from '../replay.ts';
import { stageReport } from '../runner/report.ts';
import { findStage } from '../stages.ts';

const stage = (id: string) => findStage(id)!;

test('the rerun line keeps --engine when the engine came from KATA_ENGINE, and --base reference', () => {
  expect(rerunCommand(stage('05'), '05-E01', { target: 'reference', base: 'learner', engine: 'btree' })).toBe('npm test -- stage 05 --only 05-E01 --reference --engine btree');
  expect(rerunCommand(stage('07'), '07-E01', { target: 'learner', base: 'reference', engine: 'btree' }, 'KATA_SEED=3 ')).toBe('KATA_SEED=3 npm test -- stage 07 --only 07-E01 --base reference --engine btree');
  // The engine does not reach a learner's own stack, nor a stage before 05.
  expect(rerunCommand(stage('07'), '07-E01', { target: 'learner', base: 'learner', engine: 'btree' })).toBe('npm test -- stage 07 --only 07-E01');
  expect(rerunCommand(stage('04'), '04-E01', { target: 'learner', base: 'reference', engine: 'btree' })).toBe('npm test -- stage 04 --only 04-E01 --base reference');
});

test('a red start lists the plan: every test id with its title', () => {
  const tests = ['02-E01 get returns what put stored', '02-E02 get of a key never stored returns undefined'].map((line) => ({
    id: line.slice(0, 6), title: line.slice(7), status: 'failed' as const, message: 'NotImplementedError: not implemented yet', durationMs: 0,
  }));
  const report = stageReport({ stage: stage('02'), tests, loadErrors: [] }, 'learner');
  expect(report).toContain('all 2 tests stop at a stub');
  expect(report).toContain('    02-E01 get returns what put stored\n    02-E02 get of a key never stored returns undefined');
});

test('the assertion helpers build one shape: doing, expected, received, and an optional section', async () => {
  const caught = (fn: () => void) => { try { fn(); } catch (error) { return error as Mismatch; } throw new Error('no failure'); };
  expect(mismatch('get k', '"v"', 'undefined', 'a note').message).toBe('get k\n  expected: "v"\n  received: undefined\n  a note');
  const same = caught(() => expectSame(new Uint8Array([1]), new Uint8Array([2]), 'get k', { section: 'Contract' }));
  expect(same.message).toBe('get k\n  expected: "\\x02"\n  received: "\\x01"');
  expect(same.section).toBe('Contract');
  const contents = caught(() => expectContents(['"a"="1"'], ['"a"="1"', '"b"="2"'], 'reopen'));
  expect(contents.message).toContain('differences: "b" is missing (expected "2")');
  await expect(expectRejects(() => 1, 'put x', 'it rejects')).rejects.toThrow('put x\n  expected: it rejects\n  received: no error, the call returned 1');
  await expect(expectResolves(() => Promise.reject(Object.assign(new Error('boom'), { code: 'EIO' })), 'open', 'the store opens')).rejects.toThrow('received: Error: boom (code "EIO")');
  await expect(expectErrorCode(() => { throw Object.assign(new Error('x'), { code: 'A' }); }, 'B', 'call')).rejects.toThrow('expected: an error with code B');
});

test('replay points number the scenarios of a test; a failure names the point it was in', () => {
  beginTest('03-C01');
  expect(failedPoint()).toBeUndefined();
  expect(replayPoint('the set-up')).toBe(true);
  expect(replayPoint('a power cut at step 1')).toBe(true);
  expect(failedPoint()).toEqual({ point: 2, label: 'a power cut at step 1' });
});
