// Assertions for stage suites. Every failure reads alike: a first line saying what the test
// was doing, then what was expected against what was received (values in the REPL's byte
// notation), then any note. Tests build failures only through these helpers (the lint refuses
// a hand-built `new Mismatch(` in tests/), so a learner reads the same shape in every stage.
//
// A failure may name the spec section of the check that failed (`section`) when that is not
// the section the test cites: a lookup checked inside a memory-budget test points to the
// section about lookups.

import { isDeepStrictEqual } from 'node:util';
import { describeContents, show, shorten } from './display.ts';

export interface Where {
  /** The spec section of this check, when it is not the test's own. */
  section?: string;
}

/** A failed expectation. The runner prints its message as it is, with no stack trace. */
export class Mismatch extends Error {
  /** The spec section of the check that failed, overriding the test's (kata.ts). */
  readonly section: string | undefined;
  constructor(message: string, where: Where = {}) {
    super(message);
    this.name = 'Mismatch';
    this.section = where.section;
  }
}

/** A failure in the common shape: doing, expected, received, then a note (each line indented). */
export function mismatch(doing: string, expected: string, received: string, note = '', where: Where = {}): Mismatch {
  const tail = note === '' ? '' : `\n${note.split('\n').map((line) => (line.startsWith('  ') ? line : `  ${line}`)).join('\n')}`;
  const gap = (text: string) => (text.startsWith('\n') ? '' : ' ');
  return new Mismatch(`${doing}\n  expected:${gap(expected)}${expected}\n  received:${gap(received)}${received}${tail}`, where);
}

/**
 * A failure whose detail is already laid out (a history checker's explanation, a transcript's
 * problem): `doing`, then `detail` as it is. For shapes the other helpers do not have.
 */
export function failure(doing: string, detail = '', where: Where = {}): Mismatch {
  return new Mismatch(detail === '' ? doing : `${doing}\n${detail.split('\n').map((line) => (line === '' || line.startsWith('  ') ? line : `  ${line}`)).join('\n')}`, where);
}

/** A model-based property's failure: the transcript of calls, then what went wrong at its end. */
export function transcriptFailure(transcript: readonly string[], problem: string): Mismatch {
  return failure(transcript.map((line) => `  ${line}`).join('\n'), problem);
}

/** Plain copies so that a Buffer and a Uint8Array with the same bytes compare equal. */
function normalise(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object' && !(value instanceof Error)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.map(([k, v]) => [k, normalise(v)]));
  }
  return value;
}

export function sameValue(received: unknown, expected: unknown): boolean {
  return isDeepStrictEqual(normalise(received), normalise(expected));
}

/** Fails unless received deep-equals expected (bytes compared by content). */
export function expectSame(received: unknown, expected: unknown, doing: string, where: Where = {}): void {
  if (!sameValue(received, expected)) throw mismatch(doing, show(expected), show(received), '', where);
}

export function expectTrue(condition: boolean, doing: string, detail = '', where: Where = {}): asserts condition {
  if (!condition) throw failure(doing, detail, where);
}

/** Fails unless `condition`, in the common shape; `expected` and `received` are texts (received may be computed only on failure). */
export function expectThat(condition: boolean, doing: string, expected: string, received: string | (() => string), note = '', where: Where = {}): asserts condition {
  if (!condition) throw mismatch(doing, expected, typeof received === 'function' ? received() : received, note, where);
}

/**
 * A content difference: `found` and `expected` are whole contents as `"key"="value"` lines
 * (in scan order); a failure names the keys that differ, not two long lists to compare by eye.
 */
export function expectContents(found: readonly string[], expected: readonly string[], doing: string, why = '', where: Where = {}): void {
  if (found.length === expected.length && found.every((line, i) => line === expected[i])) return;
  const want = `${describeContents(expected)}${why === '' ? '' : ` (${why})`}`;
  throw mismatch(doing, want, describeContents(found), `differences: ${describeDifference(expected, found)}`, where);
}

/** The keys on which two contents (`"key"="value"` lines) differ, each said in words. */
export function keyDifferences(expected: readonly string[], found: readonly string[]): string[] {
  const parse = (lines: readonly string[]) => new Map(lines.map((line) => [line.slice(0, line.indexOf('"="') + 1), line.slice(line.indexOf('"="') + 2)]));
  const want = parse(expected);
  const got = parse(found);
  const out: string[] = [];
  for (const key of [...new Set([...want.keys(), ...got.keys()])].sort()) {
    const w = want.get(key);
    const g = got.get(key);
    if (w === g) continue;
    if (g === undefined) out.push(`${key} is missing (expected ${shorten(w!)})`);
    else if (w === undefined) out.push(`${key} holds ${shorten(g)} (expected no such key)`);
    else out.push(`${key} holds ${shorten(g)} (expected ${shorten(w)})`);
  }
  return out;
}

/** The keys on which two contents differ, for a message: at most five of them. */
export function describeDifference(expected: readonly string[], found: readonly string[]): string {
  const out = keyDifferences(expected, found);
  if (out.length === 0) return 'no difference';
  return out.length > 5 ? `${out.slice(0, 5).join('; ')}; … (${out.length} keys differ)` : out.join('; ');
}

/** In a test's catch block: a starter's stub error must reach the runner as it is. */
export function rethrowStub(error: unknown): void {
  if ((error as Error | undefined)?.name === 'NotImplementedError') throw error;
}

export const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;

/** An error as a failure shows it: its name, message and code. */
export function showError(error: unknown): string {
  const code = codeOf(error);
  return `${show(error)} (${code === undefined ? 'no code' : `code ${show(code)}`})`;
}

/** What a call gave, awaited; a scan (an async iterable) is read to the end, so that it runs. */
export async function drain(outcome: unknown): Promise<unknown> {
  if (outcome !== null && typeof outcome === 'object' && Symbol.asyncIterator in outcome) {
    for await (const entry of outcome as AsyncIterable<unknown>) void entry;
    return outcome;
  }
  return await outcome;
}

/**
 * A must-resolve: awaits `call` and returns its value; a rejection (or throw) fails with what
 * was being done and the error. `expected` says what success is ("the store reopens").
 */
export async function expectResolves<T>(call: () => Promise<T> | T, doing: string, expected = 'it succeeds', where: Where = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    rethrowStub(error);
    if (error instanceof Mismatch) throw error;
    throw mismatch(doing, expected, showError(error), '', where);
  }
}

/**
 * A must-reject: awaits `call` (wrap it in `drain` to read a scan to the end) and returns the error it rejected
 * with; resolving fails, saying what came back. `expected` says what refusal is expected.
 */
export async function expectRejects(call: () => unknown, doing: string, expected = 'it rejects', where: Where = {}): Promise<unknown> {
  let outcome: unknown;
  try {
    outcome = await call();
  } catch (error) {
    rethrowStub(error);
    return error;
  }
  throw mismatch(doing, expected, `no error, the call returned ${show(outcome)}`, '', where);
}

/** Awaits fn and fails unless it throws (or rejects) with an error whose `code` is `code`. */
export async function expectErrorCode(fn: () => unknown, code: string, doing: string, where: Where = {}): Promise<Error> {
  const error = await expectRejects(fn, doing, `an error with code ${code}`, where);
  if (codeOf(error) !== code) throw mismatch(doing, `an error with code ${code}`, showError(error), '', where);
  return error as Error;
}
