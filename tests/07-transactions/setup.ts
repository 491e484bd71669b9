// Shared by stage 07's test files: the stage handle, a simulated disk, content helpers, a power
// cut under a live store, and small helpers to run a transaction's calls and say what they did:
// scans collected as "key=value" strings, commits expected to succeed or to fail with CONFLICT.

import { expectResolves, mismatch, Mismatch, rethrowStub } from '../../harness/assert.ts';
import { show, showBytes } from '../../harness/display.ts';
import { defineStage } from '../../harness/kata.ts';
import { type CrashMode, SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { ScanOptions, Stage07, Transaction, TxStore, WalStoreOptions } from '../../stages/07-transactions/contract.ts';
import { b, DIR, KiB, simDisk, text } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage07>('07', ['openStore']);
export { b, DIR, KiB, simDisk, text };

/** Opens in DIR with a 16 KiB memory budget (the index writes to disk on its own) and no structure checks. */
export function open(stage: Stage07, fs: SimFileSystem, options: Partial<WalStoreOptions> = {}): Promise<TxStore> {
  return stage.openStore({ dir: DIR, fs, paranoid: false, memoryBudget: 16 * KiB, ...options });
}

/** Opens, and turns a refusal into a failure that says what was being done. */
export async function reopen(stage: Stage07, fs: SimFileSystem, doing: string, options: Partial<WalStoreOptions> = {}): Promise<TxStore> {
  return expectResolves(() => open(stage, fs, options), doing, 'the store reopens');
}

/** A power cut under a live store: the power goes out, work in flight fails, the machine reboots keeping what `mode` says. */
export async function powerCut(fs: SimFileSystem, mode: CrashMode = 'durable'): Promise<void> {
  fs.cutPower();
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  fs.recover(mode);
}

/** One turn of the event loop: lets other clients' calls and the store's I/O run. */
export const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Anything that scans: the store, or a transaction. */
type Scannable = { scan(options?: ScanOptions): AsyncIterable<{ key: Uint8Array; value: Uint8Array }> };

/** What a scan returns, as key=value strings (UTF-8 text). */
export async function scanText(source: Scannable, options?: ScanOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of source.scan(options)) out.push(`${text(key)}=${text(value)}`);
  return out;
}

/** The whole content as "key"="value" strings in the REPL's byte notation. */
export async function contents(source: Scannable): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of source.scan()) out.push(`${showBytes(key)}=${showBytes(value)}`);
  return out;
}

/** A model's content as contents() shows it (keys are ASCII here, so string order is byte order). */
export function render(model: ReadonlyMap<string, string>): string[] {
  return [...model].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`);
}

/** Padded values shortened for messages: "v17.…" stands for "v17" padded with dots (any run of 6 or more at the end). */
const shorten = (line: string) => line.replace(/([^"])\1{5,}"/g, '$1…"');

export const describeContents = (lines: readonly string[]) => {
  const shown = lines.map(shorten);
  return shown.length === 0 ? '(empty)' : shown.length > 6 ? `${shown.slice(0, 6).join(' ')} … (${shown.length} entries)` : shown.join(' ');
};

/** The keys on which two contents differ, each said in words: at most five of them. */
export function describeDifference(expected: readonly string[], found: readonly string[]): string {
  const parse = (lines: readonly string[]) => new Map(lines.map((line) => [line.slice(0, line.indexOf('"="') + 1), line.slice(line.indexOf('"="') + 2)]));
  const want = parse(expected);
  const got = parse(found);
  const out: string[] = [];
  for (const key of [...new Set([...want.keys(), ...got.keys()])].sort()) {
    const [w, g] = [want.get(key), got.get(key)];
    if (w === g) continue;
    if (g === undefined) out.push(`${key} is missing (expected ${shorten(w!)})`);
    else if (w === undefined) out.push(`${key} holds ${shorten(g)} (expected no such key)`);
    else out.push(`${key} holds ${shorten(g)} (expected ${shorten(w)})`);
  }
  if (out.length === 0) return 'no difference';
  return out.length > 5 ? `${out.slice(0, 5).join('; ')}; … (${out.length} keys differ)` : out.join('; ');
}

/** Runs a call, turning an unexpected rejection into a failure that says what was being done. */
export async function must<T>(call: () => Promise<T> | T, doing: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    rethrowStub(error);
    if (error instanceof Mismatch) throw error;
    throw mismatch(doing, 'it succeeds', `${show(error)}${codeOf(error) === undefined ? '' : ` (code ${codeOf(error)})`}`);
  }
}

export const codeOf = (error: unknown): unknown => (error as { code?: unknown } | undefined)?.code;

/** begin(), turning a throw into a failure that says what was being done. */
export function begin(store: TxStore, doing: string, isolation?: 'snapshot' | 'serializable'): Transaction {
  try {
    return isolation === undefined ? store.begin() : store.begin({ isolation });
  } catch (error) {
    rethrowStub(error);
    throw mismatch(`${doing}: begin(${isolation === undefined ? '' : `{ isolation: '${isolation}' }`})`, 'it returns a transaction', show(error));
  }
}

/** Expects commit() to reject with code CONFLICT and a message naming `key`; returns the message. */
export async function expectConflict(tx: Transaction, key: string, doing: string): Promise<string> {
  try {
    await tx.commit();
  } catch (error) {
    rethrowStub(error);
    const message = String((error as Error | undefined)?.message ?? error);
    if (codeOf(error) !== 'CONFLICT') throw mismatch(doing, 'commit() rejects with code CONFLICT', `${show(error)} (code ${show(codeOf(error))})`);
    if (!message.includes(key)) throw mismatch(doing, `the CONFLICT error's message names the key ${key}`, JSON.stringify(message));
    return message;
  }
  throw mismatch(doing, `commit() rejects with code CONFLICT (naming ${key})`, 'it resolved: the commit went through');
}

/** Expects a call to reject with `code` (a scan is iterated to the end to make it run). */
export async function expectCode(call: () => unknown, code: string, doing: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = call();
    if (outcome !== null && typeof outcome === 'object' && Symbol.asyncIterator in outcome) {
      for await (const entry of outcome as AsyncIterable<unknown>) void entry;
    } else {
      outcome = await outcome;
    }
  } catch (error) {
    rethrowStub(error);
    if (codeOf(error) === code) return;
    throw mismatch(doing, `an error with code ${code}`, `${show(error)} (code ${show(codeOf(error))})`);
  }
  throw mismatch(doing, `an error with code ${code}`, 'no error');
}
