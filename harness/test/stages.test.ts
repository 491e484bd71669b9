// Unit tests of the harness: stage lookup, argument parsing, seeds, display and assertions.

import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseArgs, UsageError } from '../cli/args.ts';
import { expectErrorCode, expectSame, Mismatch } from '../assert.ts';
import { show, showBytes } from '../display.ts';
import { cleanMessage } from '../runner/run-suites.ts';
import { findStage, READY_STAGES, stagePaths } from '../stages.ts';
import { testSeed } from '../seed.ts';

describe('findStage', () => {
  test.each(['1', '01', 'stage01', 'stage-1', '01-repl', 'repl', 'REPL'])('finds stage 01 from %s', (name) => {
    expect(findStage(name)?.id).toBe('01');
  });
  test.each(['11', '0', 'nope', ''])('finds nothing for %j', (name) => {
    expect(findStage(name)).toBeUndefined();
  });
  test('every ready stage has the four paths a learner needs', () => {
    for (const stage of READY_STAGES) {
      expect(stagePaths(stage).spec).toMatch(new RegExp(`^stages/${stage.id}-[a-z-]+/README.md$`));
      expect(stagePaths(stage).reference).toBe(`reference/stages/${stage.id}.ts`);
    }
  });
});

describe('parseArgs', () => {
  const COMMAND = { usage: 'npm run x -- [--only ID] [--seed N] [--reference]', values: ['only', 'seed'], switches: ['reference'] };
  test('reads words, boolean flags and flags with values in both spellings', () => {
    const { words, flags } = parseArgs(['stage', '02', '--reference', '--only', '02-E01', '--seed=7'], { ...COMMAND, words: true });
    expect(words).toEqual(['stage', '02']);
    expect(flags.get('reference')).toBe(true);
    expect(flags.get('only')).toBe('02-E01');
    expect(flags.get('seed')).toBe('7');
  });
  test('a flag that needs a value and has none is a usage error', () => {
    expect(() => parseArgs(['--only'], COMMAND)).toThrow(UsageError);
  });
  test.each([
    [['--bogus'], /unknown flag --bogus/],
    [['-x'], /unknown option -x/],
    [['--reference=yes'], /--reference takes no value/],
    [['stage'], /unexpected argument "stage"/],
  ])('%j is refused, with the usage line', (argv, message) => {
    let error: unknown;
    try {
      parseArgs(argv, COMMAND);
    } catch (caught) {
      error = caught;
    }
    expect(error, `parseArgs(${JSON.stringify(argv)}) should throw a UsageError`).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).usage).toBe(COMMAND.usage);
  });
});

describe('seeds', () => {
  test('a test seed depends on the run seed and the test id, and nothing else', () => {
    const a = testSeed('02-P01', 42);
    expect(testSeed('02-P01', 42)).toBe(a);
    expect(testSeed('02-P02', 42)).not.toBe(a);
    expect(testSeed('02-P01', 43)).not.toBe(a);
  });
});

describe('display and assertions', () => {
  test('bytes show in the REPL notation', () => {
    expect(showBytes(Uint8Array.of(0x61, 0x22, 0x5c, 0x00, 0xff))).toBe('"a\\"\\\\\\x00\\xff"');
    expect(show({ key: Uint8Array.of(0x61), n: 1, missing: undefined })).toBe('{ key: "a", n: 1, missing: undefined }');
  });
  test('expectSame compares bytes by content and ignores undefined fields', () => {
    expectSame({ a: Buffer.from('x'), b: undefined }, { a: Uint8Array.of(0x78) }, 'same');
    expect(() => expectSame(Uint8Array.of(1), Uint8Array.of(2), 'doing it')).toThrow(/doing it\n  expected: "\\x02"\n  received: "\\x01"/);
  });
  test('expectErrorCode fails on no error and on the wrong code, and passes the right one', async () => {
    await expect(expectErrorCode(() => 1, 'X', 'call')).rejects.toThrow(Mismatch);
    await expect(expectErrorCode(() => { throw Object.assign(new Error('e'), { code: 'Y' }); }, 'X', 'call')).rejects.toThrow(/code X/);
    await expect(expectErrorCode(async () => { throw Object.assign(new Error('e'), { code: 'X' }); }, 'X', 'call')).resolves.toBeInstanceOf(Error);
  });
});

describe('cleanMessage', () => {
  test('keeps the message and learner frames, drops harness and node_modules frames', () => {
    const raw = 'TypeError: boom\n    at f (/x/stages/02-ordered-map/index.ts:3:1)\n    at g (/x/node_modules/vitest/a.js:1:1)\n    at h (/x/harness/kata.ts:1:1)';
    expect(cleanMessage(raw)).toBe('TypeError: boom\n    at f (/x/stages/02-ordered-map/index.ts:3:1)');
  });
  test('a stub failure is one line', () => {
    expect(cleanMessage('NotImplementedError: not implemented yet — start with x\n    at y')).toBe('NotImplementedError: not implemented yet — start with x');
  });
  test('a temporary directory made by a test becomes <tmp>, so two runs read the same', () => {
    const made = path.join(tmpdir(), 'kata-08-r01-Xa9ZqT');
    expect(cleanMessage(`Error: LOCK held in ${made}/db (pid 1)`)).toBe('Error: LOCK held in <tmp>/db (pid 1)');
  });
});
