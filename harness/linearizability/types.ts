// Types of the linearizability checker: one operation of a key-value history as a client saw it
// (its call and return times, input, output and outcome), and the checker's verdict.

/** What a client asked the store to do. */
export type Input = { f: 'get'; key: string } | { f: 'put'; key: string; value: string } | { f: 'delete'; key: string };

/** What the store answered; a get of an absent key answers `{ ok: true, value: undefined }`. */
export type Output = { ok: true; value?: string | undefined } | { ok: false };

/**
 * ok: it returned `output`. fail: it definitely did not take effect (the checker drops it).
 * unknown: a timeout or crash; it may have taken effect at any time after its call.
 */
export type Status = 'ok' | 'fail' | 'unknown';

export interface Operation {
  id: number;
  client: number;
  /** When the client invoked it (any clock whose order is real-time order). */
  call: number;
  /** When it returned; undefined or +Infinity when it never did. */
  return: number | undefined;
  input: Input;
  output: Output | undefined;
  status: Status;
}

export interface CheckOptions {
  /** Give up (verdict 'unknown') after this long; default 10 s for the whole history. */
  timeoutMs?: number;
}

export type CheckResult =
  | { ok: true; keys: number; ops: number }
  | { ok: false; key: string; explanation: string; minimalPrefix?: Operation[] }
  | { ok: 'unknown'; reason: string };
