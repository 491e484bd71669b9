// Shared by stage 06's test files: the stage handle, a simulated disk, content helpers, a power
// cut under a live store, and the History of states a store passes through, one per write, with
// the last one its sync mode promised durable.

import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import type { Stage06, WalStore, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { describeDifference, expectResolves, expectTrue, keyDifferences, mismatch, rethrowStub } from '../../harness/assert.ts';
import { describeContents, showBytes } from '../../harness/display.ts';
import { defineStage } from '../../harness/kata.ts';
import { type CrashMode, SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { b, DIR, KiB, overwrite, simDisk, text } from '../../harness/suite-helpers.ts';

export const { rule, property, load } = defineStage<Stage06>('06', ['openStore']);
export { b, DIR, KiB, overwrite, simDisk, text };

/** Opens in DIR with a 16 KiB memory budget (the index writes to disk on its own) and no structure checks. */
export function open(stage: Stage06, fs: SimFileSystem, options: Partial<WalStoreOptions> = {}): Promise<WalStore> {
  return stage.openStore({ dir: DIR, fs, paranoid: false, memoryBudget: 16 * KiB, ...options });
}

/** Opens, and turns a refusal into a failure that says what was being done. */
export async function reopen(stage: Stage06, fs: SimFileSystem, doing: string, options: Partial<WalStoreOptions> = {}): Promise<WalStore> {
  return expectResolves(() => open(stage, fs, options), doing, 'the store reopens');
}

/**
 * A power cut under a live store: the power goes out, the store's work in flight fails (its
 * timers get `settleMs` to fire into the dark), then the machine reboots keeping what `mode` says.
 */
export async function powerCut(fs: SimFileSystem, mode: CrashMode = 'durable', settleMs = 0): Promise<void> {
  fs.cutPower();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  fs.recover(mode);
}

/** The whole content as "key"="value" strings in the REPL's byte notation. */
export async function contents(store: KvStore): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of store.scan()) out.push(`${showBytes(key)}=${showBytes(value)}`);
  return out;
}

export { describeContents, describeDifference };

/** A deterministic key for step i of a workload, one of `spread`. */
export function keyOf(i: number, spread: number): string {
  return `key:${String((i * 7919) % spread).padStart(5, '0')}`;
}

/** The names and sizes of the .wal files that stats() lists. */
export async function walFiles(store: WalStore): Promise<{ name: string; bytes: number }[]> {
  return (await store.stats()).files.filter((file) => file.name.endsWith('.wal'));
}

type Model = ReadonlyMap<string, string>;

/** A key as a string whose code units compare as the key's UTF-8 bytes do (cached: histories sort often). */
const byteOrderKeys = new Map<string, string>();
function byteOrder(key: string): string {
  let out = byteOrderKeys.get(key);
  if (out === undefined) byteOrderKeys.set(key, (out = Buffer.from(key, 'utf8').toString('latin1')));
  return out;
}

const compareKeys = (x: string, y: string) => {
  const [p, q] = [byteOrder(x), byteOrder(y)];
  return p < q ? -1 : p > q ? 1 : 0;
};

function render(model: Model): string {
  return [...model]
    .sort(([x], [y]) => compareKeys(x, y))
    .map(([k, v]) => `${showBytes(b(k))}=${showBytes(b(v))}`)
    .join('\n');
}

/**
 * The states a store passes through, one per write in call order (state 0 is where it
 * started). A write is recorded when it is *called*; `acknowledged` moves `durableFrom`, the
 * last state that must survive a crash. After a crash the store must hold one of the states
 * from `durableFrom` to the latest. States are rendered as content lines only when compared.
 */
export class History {
  private model: Map<string, string>;
  private readonly snapshots: Model[];
  private readonly rendered = new Map<number, string>();
  durableFrom = 0;

  constructor(start: Model = new Map()) {
    this.model = new Map(start);
    this.snapshots = [new Map(start)];
  }

  /** Records a put; returns the index of the state it leads to. */
  put(key: string, value: string): number {
    this.model.set(key, value);
    return this.record();
  }

  delete(key: string): number {
    this.model.delete(key);
    return this.record();
  }

  /** Records a batch (a put where a value is given, else a delete) as one state: no state in between. */
  batch(writes: readonly { key: string; value?: string }[]): number {
    for (const { key, value } of writes) {
      if (value === undefined) this.model.delete(key);
      else this.model.set(key, value);
    }
    return this.record();
  }

  /** Write `index` resolved (default: the latest): it and every state before it are past. */
  acknowledged(index = this.latest): void {
    this.durableFrom = Math.max(this.durableFrom, index);
  }

  get latest(): number {
    return this.snapshots.length - 1;
  }

  /** State i as contents() would return it, joined by newlines. */
  state(i: number): string {
    let out = this.rendered.get(i);
    if (out === undefined) {
      out = render(this.snapshots[i]!);
      this.rendered.set(i, out);
    }
    return out;
  }

  /** The content of state i, as contents() returns it. */
  lines(i: number): string[] {
    const state = this.state(i);
    return state === '' ? [] : state.split('\n');
  }

  /** The model's current value of a key. */
  value(key: string): string | undefined {
    return this.model.get(key);
  }

  /** The keys present now, in byte order. */
  keys(): string[] {
    return [...this.model.keys()].sort(compareKeys);
  }

  /** The index of the state `found` is, at or after durableFrom (the latest such); -1 when there is none. */
  match(found: readonly string[]): number {
    const joined = found.join('\n');
    for (let i = this.latest; i >= this.durableFrom; i--) if (this.snapshots[i]!.size === found.length && this.state(i) === joined) return i;
    return -1;
  }

  /** A new history starting at state i (what survived a crash), everything in it durable. */
  restartFrom(i: number): History {
    return new History(this.snapshots[i]);
  }

  /** Why `found` is not an allowed state: for failure messages, with the allowed state closest to it. */
  explain(found: readonly string[]): string {
    const since = this.durableFrom === this.latest ? `the state after write ${this.latest}, the last one` : `the state after one of writes ${this.durableFrom} … ${this.latest}`;
    const joined = found.join('\n');
    let earlier = this.durableFrom - 1;
    while (earlier >= 0 && (this.snapshots[earlier]!.size !== found.length || this.state(earlier) !== joined)) earlier--;
    const which = earlier >= 0 ? `the state after write ${earlier}, older than write ${this.durableFrom}, which had been acknowledged` : 'a state the store never passed through';
    let closest = this.latest;
    let fewest = Infinity;
    for (let i = this.latest; i >= Math.max(this.durableFrom, this.latest - 2000); i--) {
      const differing = keyDifferences(this.lines(i), found).length;
      if (differing < fewest) [closest, fewest] = [i, differing];
    }
    return (
      `  expected: ${since} (write ${this.durableFrom} is the last the store promised durable)\n` +
      `  received: ${which}: ${describeContents(found)}\n` +
      `  the closest allowed state, after write ${closest}, differs thus: ${describeDifference(this.lines(closest), found)}`
    );
  }

  private record(): number {
    this.snapshots.push(new Map(this.model));
    return this.snapshots.length - 1;
  }
}

/** Opening must fail with CORRUPT, naming `file` and an offset. */
export async function expectCorrupt(stage: Stage06, fs: SimFileSystem, file: string, doing: string): Promise<void> {
  let opened: string[];
  try {
    opened = await contents(await open(stage, fs));
  } catch (error) {
    rethrowStub(error);
    const { code, message } = error as { code?: string; message?: string };
    expectTrue(code === 'CORRUPT', doing, `expected: an error with code CORRUPT\n  received: ${String(error)}`);
    expectTrue(String(message).includes(file) && /offset \d+/.test(String(message)), doing, `the error must name the log file (${file}) and the offset ("offset 123")\n  received: ${String(message)}`);
    return;
  }
  throw mismatch(doing, 'openStore rejects with CORRUPT (records written after the damaged one was synced prove it had been acknowledged: this is not a torn tail)', `it opened, holding ${describeContents(opened)}`);
}

