// The workload 07-C01 crashes and 07-F01 fails at every step: 30 transactions of 3–5 writes and
// a marker key each, some committed together, one rolled back, one refused; and the judge of a
// reopened store: it holds exactly the writes of the transactions whose markers are there.

import { Mismatch, mismatch, rethrowStub } from '../../harness/assert.ts';
import type { Transaction, TxStore, WalStoreOptions } from '../../stages/07-transactions/contract.ts';
import { b, codeOf, KiB, text } from './setup.ts';

export const TXNS = 30;
const KEYS = 40;

/** Sync 'commit'; a 16 KiB budget so the index writes to disk on its own, and checkpoints every 8 KiB of log. */
export const WORKLOAD_OPTIONS: Partial<WalStoreOptions> = { sync: 'commit', memoryBudget: 16 * KiB, checkpointBytes: 8 * KiB };

export const WORKLOAD_TEXT =
  `${TXNS} transactions, each reading 2 keys and writing 3–5 of ${KEYS} keys (100-byte values, some deletes) plus its marker txn:NN, ` +
  `T7–T9, T19–T21 (with a checkpoint()) and T27–T29 committed together, T13 rolled back, T14 refused (it writes a key T15 commits first); ` +
  `sync 'commit', 16 KiB memory budget, checkpointBytes 8192`;

const ROLLED_BACK = 13;
const LOSER = 14;
const WINNER = 15;
/** Transactions begun together and committed together (their keys are disjoint). */
const GROUPS = [[7, 8, 9], [19, 20, 21], [27, 28, 29]];
const CHECKPOINT_WITH = 19;

const pad = (n: number) => String(n).padStart(2, '0');
const keyAt = (n: number) => `key:${pad(((n % KEYS) + KEYS) % KEYS)}`;
export const marker = (id: number) => `txn:${pad(id)}`;
const valueOf = (id: number, key: string) => `T${id} ${key}`.padEnd(100, '.');

/** Transaction id's writes: 3–5 keys (disjoint from id+1's and id+2's), every few a delete, then its marker. */
export function writesOf(id: number): [string, string | undefined][] {
  const keys = Array.from({ length: 3 + (id % 3) }, (_, j) => keyAt(7 * id + 3 * j));
  if (id === LOSER) keys.push(keyAt(7 * WINNER));
  const writes = keys.map((key, j): [string, string | undefined] => [key, j === 1 && id % 4 === 2 ? undefined : valueOf(id, key)]);
  writes.push([marker(id), 'committed']);
  return writes;
}

/** What happened to each transaction: commits called in order, resolved, refused or rolled back. */
export class Ledger {
  /** Commits called, in call order (refused ones excluded). */
  readonly called: number[] = [];
  readonly acknowledged = new Set<number>();
  readonly notes = new Map<number, string>();

  /** The state after the given transactions' writes, applied in commit order. */
  state(included: (id: number) => boolean): Map<string, string> {
    const model = new Map<string, string>();
    for (const id of this.called) {
      if (!included(id)) continue;
      for (const [key, value] of writesOf(id)) value === undefined ? model.delete(key) : model.set(key, value);
    }
    return model;
  }

  /** What every reader must see now: the acknowledged commits only. */
  visible(): Map<string, string> {
    return this.state((id) => this.acknowledged.has(id));
  }
}

/** Ids as ranges: "T1–T12, T15". */
export function describeIds(ids: Iterable<number>): string {
  const sorted = [...ids].sort((x, y) => x - y);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j === i ? `T${sorted[i]}` : `T${sorted[i]}–T${sorted[j]}`);
    i = j + 1;
  }
  return out.join(', ') || 'none';
}

const short = (value: string | undefined) => (value === undefined ? 'nothing' : JSON.stringify(value.replace(/\.{6,}$/, '…')));

/**
 * Why `found` (a reopened store's content) is wrong, or undefined when it is right: it must
 * hold exactly the writes of the transactions whose markers it holds, those must include every
 * acknowledged commit, and none of them may be a transaction whose commit was never called.
 */
export function judge(ledger: Ledger, found: ReadonlyMap<string, string>): string | undefined {
  const present = new Set<number>();
  for (const key of found.keys()) if (key.startsWith('txn:')) present.add(Number(key.slice(4)));
  for (const id of present) {
    if (!ledger.called.includes(id)) return `  expected: none of T${id}'s writes: T${id} ${ledger.notes.get(id) ?? 'was never committed'}\n  received: its marker ${marker(id)} is there`;
  }
  const lost = [...ledger.acknowledged].filter((id) => !present.has(id));
  if (lost.length > 0) return `  expected: every transaction whose commit resolved: ${describeIds(ledger.acknowledged)}\n  received: the markers of ${describeIds(lost)} (${lost.map(marker).join(', ')}) are missing`;
  const expected = ledger.state((id) => present.has(id));
  const wrong: string[] = [];
  for (const key of [...new Set([...expected.keys(), ...found.keys()])].sort()) {
    const [want, got] = [expected.get(key), found.get(key)];
    if (want === got) continue;
    const writer = got === undefined ? undefined : Number(/^T(\d+) /.exec(got)?.[1]);
    const why = writer !== undefined && !present.has(writer) ? ` — written by T${writer}, whose marker is missing: T${writer} is there in part` : '';
    wrong.push(`${key} holds ${short(got)} (expected ${short(want)})${why}`);
  }
  if (wrong.length === 0) return undefined;
  return (
    `  expected: exactly the writes of the transactions whose markers are there, ${describeIds(present)}, each whole, in commit order\n` +
    `  received: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? `; … (${wrong.length} keys differ)` : ''}`
  );
}

/** The content as a map of UTF-8 strings. */
export async function contentMap(store: TxStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const { key, value } of store.scan()) out.set(text(key)!, text(value)!);
  return out;
}

/** What a tolerant run saw: the first call that rejected, and any call made after it that should have but did not. */
export interface Outcome {
  firstError?: { call: string; error: unknown };
  /** A commit made after the first rejection that resolved. */
  lateCommit?: string;
}

/**
 * Runs the workload (not the close). Not tolerant: the first rejection that the workload did
 * not ask for ends it (a power cut), and every read is checked against the acknowledged commits.
 * Tolerant: every transaction is tried; one whose reads or writes reject is rolled back; reads
 * that resolve are still checked, since a failed commit must stay invisible.
 */
export async function runWorkload(store: TxStore, ledger: Ledger, tolerant: boolean): Promise<Outcome> {
  const outcome: Outcome = {};
  const failed = (call: string, error: unknown): void => {
    rethrowStub(error);
    if (error instanceof Mismatch || !tolerant) throw error;
    outcome.firstError ??= { call, error };
  };
  /** Begins T(id) and makes its reads and writes; undefined when a call rejected (tolerant). */
  const stage = async (id: number): Promise<Transaction | undefined> => {
    let tx: Transaction | undefined;
    try {
      tx = store.begin();
      const before = ledger.visible();
      const first = writesOf(id)[0]![0];
      for (const key of [first, keyAt(7 * (id - 1))]) {
        const got = text(await tx.get(b(key)));
        if (got !== before.get(key)) throw mismatch(`T${id}.get(${key}) after the commits of ${describeIds(ledger.acknowledged)} resolved`, short(before.get(key)), short(got));
      }
      for (const [key, value] of writesOf(id)) await (value === undefined ? tx.delete(b(key)) : tx.put(b(key), b(value)));
      const own = text(await tx.get(b(first)));
      if (own !== valueOf(id, first)) throw mismatch(`T${id} put ${first}, then T${id}.get(${first})`, `its own write ${short(valueOf(id, first))}`, short(own));
      return tx;
    } catch (error) {
      failed(`T${id} (begin, get, put or delete)`, error);
      ledger.notes.set(id, 'failed before its commit and was rolled back');
      await tx?.rollback().catch(() => undefined);
      return undefined;
    }
  };
  const commit = async (id: number, tx: Transaction | undefined): Promise<void> => {
    if (tx === undefined) return;
    const late = outcome.firstError !== undefined;
    ledger.called.push(id);
    try {
      await tx.commit();
    } catch (error) {
      failed(`T${id}.commit()`, error);
      return;
    }
    if (late) outcome.lateCommit ??= `T${id}.commit()`;
    ledger.acknowledged.add(id);
  };
  /** Several at once: every promise settles before the first failure is thrown. */
  const together = async (works: Promise<void>[]): Promise<void> => {
    const settled = await Promise.allSettled(works);
    for (const result of settled) if (result.status === 'rejected') throw result.reason;
  };
  for (let id = 1; id <= TXNS; id++) {
    const group = GROUPS.find((g) => g[0] === id);
    if (group !== undefined) {
      const txs: (Transaction | undefined)[] = [];
      for (const member of group) txs.push(await stage(member));
      const checkpoint = async () => {
        if (id !== CHECKPOINT_WITH) return;
        try {
          await store.checkpoint();
        } catch (error) {
          failed('checkpoint()', error);
        }
      };
      await together([...group.map((member, i) => commit(member, txs[i])), checkpoint()]);
      id = group.at(-1)!;
    } else if (id === ROLLED_BACK) {
      const tx = await stage(id);
      ledger.notes.set(id, 'was rolled back');
      try {
        await tx?.rollback();
      } catch (error) {
        failed(`T${id}.rollback()`, error);
      }
    } else if (id === LOSER) {
      const loser = await stage(LOSER);
      const winner = await stage(WINNER);
      await commit(WINNER, winner);
      if (loser !== undefined) {
        const late = outcome.firstError !== undefined;
        ledger.called.push(LOSER);
        try {
          await loser.commit();
          // Only a winner that failed to commit lets the loser through.
          if (ledger.acknowledged.has(WINNER)) throw mismatch(`T${LOSER} and T${WINNER} began, both wrote ${keyAt(7 * WINNER)}, T${WINNER} committed first; T${LOSER}.commit()`, 'it rejects with code CONFLICT', 'it resolved');
          if (late) outcome.lateCommit ??= `T${LOSER}.commit()`;
          ledger.acknowledged.add(LOSER);
        } catch (error) {
          if (codeOf(error) !== 'CONFLICT') failed(`T${LOSER}.commit()`, error);
          else {
            ledger.called.splice(ledger.called.indexOf(LOSER), 1);
            ledger.notes.set(LOSER, 'was refused (CONFLICT)');
          }
        }
      }
      id = WINNER;
    } else {
      await commit(id, await stage(id));
    }
  }
  return outcome;
}
