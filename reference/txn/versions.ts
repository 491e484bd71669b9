// The versions that snapshots may still need. The index (LSM tree or B+tree) holds only the
// newest committed value of each key; when a commit overwrites or deletes a key, the value it
// replaces is kept here, with the commit timestamps, for as long as an open snapshot could read
// it (the idea of the undo log of InnoDB and Oracle, kept in memory: no snapshot outlives the
// process). A key with no chain here has, in the index, the value every open snapshot sees.
//
//   key "a":  [ts 0: "x" (before)] [ts 7: "y"] [ts 9: deleted]     snapshot 8 reads "y"

import { type Bounds, SkipList } from '../core/skiplist.ts';

/** A committed state of a key: its value (undefined when deleted) from `ts` on. */
export interface Version {
  ts: number;
  value: Uint8Array | undefined;
}

/** Timestamp 0: the value a key had before the oldest commit still tracked. */
const BEFORE = 0;

export class VersionMap {
  /** Oldest first. */
  private readonly chains = new SkipList<Version[]>();

  get size(): number {
    return this.chains.size;
  }

  /** The old versions kept: in each chain, every version but the newest (which the index holds too). */
  get oldVersions(): number {
    let count = 0;
    for (const [, chain] of this.chains.entries()) count += chain.length - 1;
    return count;
  }

  has(key: Uint8Array): boolean {
    return this.chains.get(key) !== undefined;
  }

  /** The commit timestamp of the key's newest tracked version; 0 when untracked (older than every open snapshot). */
  latestTs(key: Uint8Array): number {
    return this.chains.get(key)?.at(-1)!.ts ?? BEFORE;
  }

  /** The key's value as of `snapshot`, or 'untracked' when the index's value is the answer. */
  visible(key: Uint8Array, snapshot: number): Version | 'untracked' {
    const chain = this.chains.get(key);
    return chain === undefined ? 'untracked' : visibleIn(chain, snapshot);
  }

  /**
   * Records a commit's write of `key` at `ts`. `before` is the key's committed value before
   * this commit; it is needed (and read by the caller) only when the key is untracked.
   */
  record(key: Uint8Array, ts: number, value: Uint8Array | undefined, before: Uint8Array | undefined): void {
    const chain = this.chains.get(key);
    if (chain === undefined) this.chains.set(key, [{ ts: BEFORE, value: before }, { ts, value }]);
    else chain.push({ ts, value });
  }

  /** The first tracked key after `after` (before it, in reverse) inside the bounds. */
  next(bounds: Bounds, reverse: boolean, after: Uint8Array | undefined): [Uint8Array, Version[]] | undefined {
    const narrowed: Bounds = after === undefined ? bounds : reverse ? { ...bounds, upper: { key: after, inclusive: false } } : { ...bounds, lower: { key: after, inclusive: false } };
    const first = this.chains.entries(narrowed, reverse).next();
    return first.done ? undefined : first.value;
  }

  /** Whether a commit after `snapshot` wrote a key inside the bounds (a scanned range changed). */
  changedIn(bounds: Bounds, snapshot: number): Uint8Array | undefined {
    for (const [key, chain] of this.chains.entries(bounds)) if (chain.at(-1)!.ts > snapshot) return key;
    return undefined;
  }

  /**
   * Drops what no snapshot at or after `horizon` can read: in each chain, the versions older
   * than the newest one at or before the horizon; and a chain whose newest version is at or
   * before the horizon altogether (the index holds that value).
   */
  collect(horizon: number): void {
    const empty: Uint8Array[] = [];
    for (const [key, chain] of this.chains.entries()) {
      let keep = 0;
      while (keep + 1 < chain.length && chain[keep + 1]!.ts <= horizon) keep++;
      if (keep === chain.length - 1) empty.push(key);
      else if (keep > 0) chain.splice(0, keep);
    }
    for (const key of empty) this.chains.delete(key);
  }
}

export function visibleIn(chain: readonly Version[], snapshot: number): Version {
  for (let i = chain.length - 1; i > 0; i--) if (chain[i]!.ts <= snapshot) return chain[i]!;
  return chain[0]!;
}
