// The engine's error type: every error a caller can act on carries a stable code.
// Tests and the REPL match on `code`, never on message text, so messages can stay helpful.

import type { ErrorCode as BadInputCode } from '../../stages/02-ordered-map/contract.ts';

/** Stage 02's codes for bad input, and the codes the later stages' contracts name. */
export type ErrorCode =
  | BadInputCode
  /** A file failed its checks; the message names the file and the offset. */
  | 'CORRUPT'
  /** The store was closed, or a failed write left it unable to promise durability. */
  | 'CLOSED'
  /** A transaction's commit was refused by its isolation level; it changed nothing and may be retried. */
  | 'CONFLICT'
  /** Another store (in this process or another) has the directory open; the message names its pid. */
  | 'LOCKED';

export class KvError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KvError';
  }
}
