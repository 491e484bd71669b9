// The in-memory ordered key-value store of stage 02: a skip list behind the store contract.
// It owns copies of what it is given and hands out copies, so no caller can change stored
// bytes behind its back; it enforces the size limits before touching the list.

import { copyBytes } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { SkipList } from '../memtable/skiplist.ts';
import { checkBytes, checkScanOptions, type ScanOptions } from './scan-options.ts';

export interface Limits {
  maxKeySize: number;
  maxValueSize: number;
}

export const DEFAULT_LIMITS: Limits = { maxKeySize: 1024, maxValueSize: 1024 * 1024 };

export interface Entry {
  key: Uint8Array;
  value: Uint8Array;
}

export class MemoryStore {
  private readonly list = new SkipList<Uint8Array>();
  readonly limits: Limits;

  constructor(limits: Partial<Limits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get size(): number {
    return this.list.size;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.checkKey(key);
    const value = this.list.get(key);
    return value === undefined ? undefined : copyBytes(value);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.checkKey(key);
    checkBytes(value, 'value');
    if (value.length > this.limits.maxValueSize) {
      throw new KvError(
        'VALUE_TOO_LARGE',
        `value is ${value.length} bytes; the limit is ${this.limits.maxValueSize}`,
      );
    }
    // Copy both: the caller may reuse its buffers as soon as put returns.
    this.list.set(copyBytes(key), copyBytes(value));
  }

  delete(key: Uint8Array): void {
    this.checkKey(key);
    this.list.delete(key);
  }

  /** Options are checked when scan is called, not on the first step, so errors surface early. */
  scan(options?: ScanOptions): Iterable<Entry> {
    const { bounds, reverse, limit } = checkScanOptions(options);
    const list = this.list;
    return {
      *[Symbol.iterator]() {
        let left = limit;
        if (left <= 0) return;
        for (const [key, value] of list.entries(bounds, reverse)) {
          yield { key: copyBytes(key), value: copyBytes(value) };
          if (--left <= 0) return;
        }
      },
    };
  }

  private checkKey(key: Uint8Array): void {
    checkBytes(key, 'key');
    if (key.length > this.limits.maxKeySize) {
      throw new KvError('KEY_TOO_LARGE', `key is ${key.length} bytes; the limit is ${this.limits.maxKeySize}`);
    }
  }
}
