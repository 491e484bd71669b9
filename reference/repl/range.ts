// Turns a REPL range (prefix, from, after, to, before) into the store's scan options.
// A prefix P is the half-open range [P, successor(P)); combined with explicit bounds,
// each end keeps whichever bound is tighter.

import type { RangeSpec } from '../../stages/01-repl/contract.ts';
import type { ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import { compareBytes, prefixSuccessor } from '../core/bytes.ts';

interface End {
  key: Uint8Array;
  inclusive: boolean;
}

export function rangeToScanOptions(range: RangeSpec): ScanOptions {
  let lower = bound(range.gte, range.gt);
  let upper = bound(range.lte, range.lt);
  if (range.prefix !== undefined) {
    lower = tighter(lower, { key: range.prefix, inclusive: true }, 1);
    const successor = prefixSuccessor(range.prefix);
    if (successor !== undefined) upper = tighter(upper, { key: successor, inclusive: false }, -1);
  }
  const options: ScanOptions = {};
  if (lower !== undefined) options[lower.inclusive ? 'gte' : 'gt'] = lower.key;
  if (upper !== undefined) options[upper.inclusive ? 'lte' : 'lt'] = upper.key;
  if (range.limit !== undefined) options.limit = range.limit;
  if (range.reverse === true) options.reverse = true;
  return options;
}

function bound(inclusive: Uint8Array | undefined, exclusive: Uint8Array | undefined): End | undefined {
  if (inclusive !== undefined) return { key: inclusive, inclusive: true };
  if (exclusive !== undefined) return { key: exclusive, inclusive: false };
  return undefined;
}

/** direction 1: a lower end (bigger is tighter); -1: an upper end (smaller is tighter). */
function tighter(a: End | undefined, b: End, direction: 1 | -1): End {
  if (a === undefined) return b;
  const c = compareBytes(a.key, b.key) * direction;
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a; // same key: the exclusive end is the tighter one
}
