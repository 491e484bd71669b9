// The commands of the line protocol, as data: what the parser produces and the session runs.

export interface RangeSpec {
  prefix?: Uint8Array;
  /** `from K`: keys >= K */
  gte?: Uint8Array;
  /** `after K`: keys > K */
  gt?: Uint8Array;
  /** `to K`: keys <= K */
  lte?: Uint8Array;
  /** `before K`: keys < K */
  lt?: Uint8Array;
  limit?: number;
  reverse?: boolean;
}

export type Command =
  | { kind: 'put'; key: Uint8Array; value: Uint8Array }
  | { kind: 'get'; key: Uint8Array }
  | { kind: 'del'; key: Uint8Array }
  | { kind: 'scan'; range: RangeSpec }
  | { kind: 'count'; range: RangeSpec }
  | { kind: 'help' }
  | { kind: 'exit' }
  | { kind: 'begin' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  /** Reference REPL extensions for the stores that have them (stage 04 on). */
  | { kind: 'compact' }
  | { kind: 'stats' }
  | { kind: 'flush' }
  | { kind: 'checkpoint' }
  | { kind: 'empty' };

/** A line the parser refuses, with the 1-based column (JavaScript string index + 1) at fault. */
export class ParseError extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** The range options in the order the formatter writes them, with the field each one sets. */
export const RANGE_KEY_OPTIONS = [
  ['prefix', 'prefix'],
  ['from', 'gte'],
  ['after', 'gt'],
  ['to', 'lte'],
  ['before', 'lt'],
] as const;
