// The adapter shared by the dbkata engines: they all speak the stages' store contract (async
// get/put, a scan that is an async iterable, flush/close), so one class drives any of them.

import type { Entry, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import type { BenchStore } from './engine.ts';

/** The part of the stage 04 and stage 05 contracts the bench uses. */
export interface DbkataStore {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  put(key: Uint8Array, value: Uint8Array): Promise<void>;
  scan(options?: ScanOptions): Iterable<Entry> | AsyncIterable<Entry>;
  /** Stage 05's durability point; absent on the stage 04 log store, whose puts are durable when they resolve. */
  flush?(): Promise<void>;
  close(): Promise<void>;
}

export class DbkataBenchStore implements BenchStore {
  constructor(private readonly store: DbkataStore) {}

  async putGroup(keys: readonly Buffer[], values: readonly Buffer[], durable: boolean): Promise<void> {
    await Promise.all(keys.map((key, i) => this.store.put(key, values[i]!)));
    if (durable) await this.store.flush?.();
  }

  getGroup(keys: readonly Buffer[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((key) => this.store.get(key)));
  }

  async scan(start: Buffer | undefined, limit: number | undefined): Promise<number> {
    const options: ScanOptions = {};
    if (start !== undefined) options.gte = start;
    if (limit !== undefined) options.limit = limit;
    let count = 0;
    for await (const entry of this.store.scan(options)) if (entry.value) count++;
    return count;
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
