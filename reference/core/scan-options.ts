// Turns the scan options a caller passes (gt/gte/lt/lte/reverse/limit) into checked bounds.
// Every store of the engine validates its options here, so all of them refuse bad input alike.

import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import { keepBytes } from './bytes.ts';
import { KvError } from './errors.ts';
import type { Bound, Bounds } from './skiplist.ts';

export interface CheckedScan {
  bounds: Bounds;
  reverse: boolean;
  /** Infinity when the caller set no limit. */
  limit: number;
}

export function checkScanOptions(options: ScanOptions = {}): CheckedScan {
  if (options === null || typeof options !== 'object') {
    throw new KvError('INVALID_ARGUMENT', `scan options must be an object, got ${describe(options)}`);
  }
  const lower = pickBound(options, 'gt', 'gte');
  const upper = pickBound(options, 'lt', 'lte');
  const limit = options.limit ?? Infinity;
  if (options.limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new KvError('INVALID_ARGUMENT', `scan limit must be a whole number >= 0, got ${describe(options.limit)}`);
  }
  if (options.reverse !== undefined && typeof options.reverse !== 'boolean') {
    throw new KvError('INVALID_ARGUMENT', `scan reverse must be true or false, got ${describe(options.reverse)}`);
  }
  const bounds: Bounds = {};
  if (lower !== undefined) bounds.lower = lower;
  if (upper !== undefined) bounds.upper = upper;
  return { bounds, reverse: options.reverse === true, limit };
}

function pickBound(options: ScanOptions, exclusive: 'gt' | 'lt', inclusive: 'gte' | 'lte'): Bound | undefined {
  const strict = options[exclusive];
  const loose = options[inclusive];
  if (strict !== undefined && loose !== undefined) {
    throw new KvError('INVALID_ARGUMENT', `scan options ${exclusive} and ${inclusive} both bound the same side; pass one`);
  }
  // Bounds are copied: a caller may reuse its array while the scan is still running.
  if (strict !== undefined) return { key: keepBytes(checkBytes(strict, exclusive)), inclusive: false };
  if (loose !== undefined) return { key: keepBytes(checkBytes(loose, inclusive)), inclusive: true };
  return undefined;
}

export function checkBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new KvError('INVALID_ARGUMENT', `${what} must be a Uint8Array, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 20))}`;
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return `${typeof value} ${String(value)}`;
}
