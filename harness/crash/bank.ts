// The bank workload: six accounts of 100 each, and transfers between them, each one step of
// two puts (debit, then credit). Before transactions (stage 07) the two are separate writes and
// a crash between them leaves half a transfer, so the total is not checked; each balance must
// still be one the account was acknowledged with. From stage 07 a step is one transaction and
// the total (`invariant`) must never change.

import type { Step, Workload } from './workload.ts';

export const ACCOUNTS = Array.from({ length: 6 }, (_, i) => `acct:${i}`);
export const OPENING_BALANCE = 100;

/** A balance is stored as "<amount> c<cycle>.<n>", so that every written value is unique. */
export function balanceOf(value: string | undefined): number {
  const amount = Number.parseInt(value ?? '', 10);
  return Number.isSafeInteger(amount) ? amount : 0;
}

/** The bank's invariant: the balances always add up to what was opened. */
export function conservationProblems(observed: ReadonlyMap<string, string>): string[] {
  const expected = ACCOUNTS.length * OPENING_BALANCE;
  const total = ACCOUNTS.reduce((sum, account) => sum + balanceOf(observed.get(account)), 0);
  return total === expected ? [] : [`the balances add up to ${total}, not ${expected}: money was created or destroyed`];
}

export const bankWorkload: Workload = {
  name: 'bank',
  summary: `${ACCOUNTS.length} accounts of ${OPENING_BALANCE}; transfers of two puts (debit, credit), one transaction from stage 07`,
  rule: 'any-acknowledged',
  invariantFrom: '07',
  invariant: conservationProblems,
  *steps({ rng, cycle, initial, flushOdds }) {
    let n = 0;
    const put = (account: string, amount: number) => ({ op: 'put' as const, key: account, value: `${amount} c${cycle}.${n++}` });
    const write = (account: string, amount: number): Step => ({ kind: 'writes', ops: [put(account, amount)] });
    const balances = new Map<string, number>();
    // Open the accounts that do not exist yet: the first cycle, or one killed while opening.
    for (const account of ACCOUNTS) {
      const value = initial.get(account);
      balances.set(account, value === undefined ? OPENING_BALANCE : balanceOf(value));
      if (value === undefined) yield write(account, OPENING_BALANCE);
    }
    for (;;) {
      const from = rng.pick(ACCOUNTS);
      const to = rng.pick(ACCOUNTS.filter((account) => account !== from));
      const amount = Math.min(1 + rng.int(20), balances.get(from)!);
      balances.set(from, balances.get(from)! - amount);
      balances.set(to, balances.get(to)! + amount);
      yield { kind: 'writes', ops: [put(from, balances.get(from)!), put(to, balances.get(to)!)] };
      if (flushOdds !== undefined && rng.int(flushOdds) === 0) yield { kind: 'flush' };
    }
  },
};
