// Shared by stage 05's test files: the stage handle, a simulated disk, a history of states
// for the "a prefix of history survives" check, and content helpers.

import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import type { DiskStore, DiskStoreOptions, Stage05 } from '../../stages/05-disk-index/contract.ts';
import { showBytes } from '../../harness/display.ts';
import { defineStage } from '../../harness/kata.ts';
import { type CrashMode, SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { b, DIR, KiB, overwrite, simDisk, text } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage05>('05', ['openStore']);
export { b, DIR, KiB, overwrite, simDisk, text };

/** Opens with the structure checks on (paranoid) unless told otherwise. */
export function open(stage: Stage05, fs: SimFileSystem, options: Partial<DiskStoreOptions> = {}): Promise<DiskStore> {
  return stage.openStore({ dir: DIR, fs, paranoid: true, ...options });
}

/**
 * A power cut while the store may still be working in the background (a flush or compaction
 * it started on its own): the power goes out first, its pending work runs into the dark, then
 * the machine reboots keeping what `mode` says. Rebooting at once would let that work carry on
 * on the rebooted disk, writing where no process is left to write.
 */
export async function powerCut(fs: SimFileSystem, mode: CrashMode): Promise<void> {
  fs.cutPower();
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  fs.recover(mode);
}

/** The whole content as "key"="value" strings in the REPL's byte notation. */
export async function contents(store: KvStore): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of store.scan()) out.push(`${showBytes(key)}=${showBytes(value)}`);
  return out;
}

export const describeContents = (lines: readonly string[]) =>
  lines.length === 0 ? '(empty)' : lines.length > 6 ? `${lines.slice(0, 6).join(' ')} … (${lines.length} entries)` : lines.join(' ');

/** A deterministic key and value for step i of a workload. */
export function keyOf(i: number, spread = 400): string {
  return `key:${String((i * 7919) % spread).padStart(5, '0')}`;
}

/**
 * The states a store passes through, one per write, as content lines: after a crash the
 * store must hold one of them, at or after the last completed flush.
 */
export class History {
  private readonly model = new Map<string, string>();
  readonly states: string[] = [''];
  durableFrom = 0;

  put(key: string, value: string): void {
    this.model.set(key, value);
    this.record();
  }

  delete(key: string): void {
    this.model.delete(key);
    this.record();
  }

  flushed(): void {
    this.durableFrom = this.states.length - 1;
  }

  /** The index of the state `found` is, at or after the last flush; -1 when there is none. */
  match(found: readonly string[]): number {
    const joined = found.join('\n');
    for (let i = this.states.length - 1; i >= this.durableFrom; i--) if (this.states[i] === joined) return i;
    return -1;
  }

  private record(): void {
    const lines = [...this.model]
      .sort(([x], [y]) => Buffer.compare(b(x), b(y)))
      .map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`);
    this.states.push(lines.join('\n'));
  }
}
