// The size limits every store enforces, and the checks that enforce them alike: a key or
// value that is not a Uint8Array is INVALID_ARGUMENT, one over its limit KEY_TOO_LARGE or
// VALUE_TOO_LARGE, with the sizes in the message. The Limits type is stage 02's contract's.

import type { Limits } from '../../stages/02-ordered-map/contract.ts';
import { KvError } from './errors.ts';
import { checkBytes } from './scan-options.ts';

export const DEFAULT_LIMITS: Limits = { maxKeySize: 1024, maxValueSize: 1024 * 1024 };

export function checkKey(key: unknown, limits: Limits): Uint8Array {
  const bytes = checkBytes(key, 'key');
  if (bytes.length > limits.maxKeySize) {
    throw new KvError('KEY_TOO_LARGE', `key is ${bytes.length} bytes; the limit is ${limits.maxKeySize}`);
  }
  return bytes;
}

export function checkValue(value: unknown, limits: Limits): Uint8Array {
  const bytes = checkBytes(value, 'value');
  if (bytes.length > limits.maxValueSize) {
    throw new KvError('VALUE_TOO_LARGE', `value is ${bytes.length} bytes; the limit is ${limits.maxValueSize}`);
  }
  return bytes;
}
