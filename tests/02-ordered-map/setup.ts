// Shared by stage 02's test files: the stage handle and small helpers for bytes and scans.

import type { Entry, KvStore, ScanOptions, Stage02 } from '../../stages/02-ordered-map/contract.ts';
import { defineStage } from '../../harness/kata.ts';
import { showBytes } from '../../harness/display.ts';

export const { rule, property, load } = defineStage<Stage02>('02', ['createStore']);

const encoder = new TextEncoder();

/** Bytes from text (UTF-8), or from a list of byte values. */
export function b(text: string | number[]): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : Uint8Array.from(text);
}

/** Collects a scan, sync or async, into an array. */
export async function collect(store: KvStore, options?: ScanOptions): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const entry of store.scan(options)) out.push(entry);
  return out;
}

export async function scanKeys(store: KvStore, options?: ScanOptions): Promise<Uint8Array[]> {
  return (await collect(store, options)).map((entry) => entry.key);
}

/** Scan options as a call, bounds in the REPL's byte notation, for failure messages. */
export function showOptions(options: ScanOptions = {}): string {
  const parts = Object.entries(options)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v instanceof Uint8Array ? showBytes(v) : String(v)}`);
  return `scan({ ${parts.join(', ')} })`;
}

export async function putAll(store: KvStore, keys: Array<string | Uint8Array>): Promise<void> {
  for (const key of keys) {
    const bytes = typeof key === 'string' ? b(key) : key;
    await store.put(bytes, b(`v:${showBytes(bytes)}`));
  }
}
