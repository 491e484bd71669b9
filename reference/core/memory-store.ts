// The in-memory ordered key-value store of stage 02: a skip list behind the store contract.
// It owns copies of what it is given and hands out copies, so no caller can change stored
// bytes behind its back; it enforces the size limits before touching the list.

import type { Entry, Limits, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import { copyBytes, keepBytes } from './bytes.ts';
import { checkKey, checkValue, DEFAULT_LIMITS } from './limits.ts';
import { checkScanOptions } from './scan-options.ts';
import { SkipList } from './skiplist.ts';

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
    checkKey(key, this.limits);
    const value = this.list.get(key);
    return value === undefined ? undefined : copyBytes(value);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    checkKey(key, this.limits);
    checkValue(value, this.limits);
    // Copy both: the caller may reuse its buffers as soon as put returns.
    this.list.set(keepBytes(key), keepBytes(value));
  }

  delete(key: Uint8Array): void {
    checkKey(key, this.limits);
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

}
