// Assertions for stage suites. Each failure says what was expected against what was
// received, in the REPL's byte notation, plus what the test was doing at the time.

import { isDeepStrictEqual } from 'node:util';
import { show } from './display.ts';

/** A failed expectation. The runner prints its message as it is, with no stack trace. */
export class Mismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Mismatch';
  }
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
export function expectSame(received: unknown, expected: unknown, doing: string): void {
  if (!sameValue(received, expected)) {
    throw new Mismatch(`${doing}\n  expected: ${show(expected)}\n  received: ${show(received)}`);
  }
}

export function expectTrue(condition: boolean, doing: string, detail = ''): asserts condition {
  if (!condition) throw new Mismatch(detail === '' ? doing : `${doing}\n  ${detail}`);
}

/** In a test's catch block: a starter's stub error must reach the runner as it is. */
export function rethrowStub(error: unknown): void {
  if ((error as Error | undefined)?.name === 'NotImplementedError') throw error;
}

/** Awaits fn and fails unless it throws (or rejects) with an error whose `code` is `code`. */
export async function expectErrorCode(fn: () => unknown, code: string, doing: string): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await fn();
  } catch (error) {
    rethrowStub(error);
    const received = (error as { code?: unknown })?.code;
    if (received === code) return error as Error;
    throw new Mismatch(
      `${doing}\n  expected: an error with code ${code}\n  received: ${show(error)} (code ${show(received)})`,
    );
  }
  throw new Mismatch(`${doing}\n  expected: an error with code ${code}\n  received: no error, the call returned ${show(outcome)}`);
}
