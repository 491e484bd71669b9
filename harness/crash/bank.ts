// The bank workload: six accounts of 100 each, and transfers between them, each one step of
// three puts: the debit, the credit, and a ledger record keyed by the transfer's id
// (`xfer:c<cycle>.<n>`, naming both accounts and the amount). Before transactions (stage 07)
// the three are separate writes and a crash between them leaves half a transfer, so only each
// key is checked: a balance must be one the account was acknowledged with, and an
// acknowledged ledger record must be there. From stage 07 a step is one transaction, and the
// invariant (`invariant`) must hold after every crash: the balances add up, and each balance
// is exactly its opening plus the transfers the ledger holds, so a transfer is all there or
// not at all. The ledger is what makes a lost commit visible: a whole transfer rolled back
// keeps the total, and its balances are older acknowledged ones, but its record is missing.

import type { Step, Workload } from './workload.ts';

export const ACCOUNTS = Array.from({ length: 6 }, (_, i) => `acct:${i}`);
export const OPENING_BALANCE = 100;
/** The ledger's keys start with this; each names one transfer. */
export const LEDGER_PREFIX = 'xfer:';

/** A balance is stored as "<amount> c<cycle>.<n>", so that every written value is unique. */
export function balanceOf(value: string | undefined): number {
  const amount = Number.parseInt(value ?? '', 10);
  return Number.isSafeInteger(amount) ? amount : 0;
}

/** A ledger record's value: "<from> <to> <amount>". */
export function ledgerValue(from: string, to: string, amount: number): string {
  return `${from} ${to} ${amount}`;
}

/** The bank's invariant: the total, then each account against the ledger. */
export function bankProblems(observed: ReadonlyMap<string, string>): string[] {
  return [...conservationProblems(observed), ...ledgerProblems(observed)];
}

/** The balances of the accounts that exist add up to what was opened. */
export function conservationProblems(observed: ReadonlyMap<string, string>): string[] {
  const opened = ACCOUNTS.filter((account) => observed.has(account));
  const expected = opened.length * OPENING_BALANCE;
  const total = opened.reduce((sum, account) => sum + balanceOf(observed.get(account)), 0);
  return total === expected ? [] : [`the balances of the ${opened.length} accounts add up to ${total}, not ${expected}: money was created or destroyed`];
}

/** Each account holds its opening balance plus the transfers in the ledger: none half-applied. */
export function ledgerProblems(observed: ReadonlyMap<string, string>): string[] {
  const net = new Map<string, number>();
  const count = new Map<string, number>();
  const problems: string[] = [];
  for (const [key, value] of observed) {
    if (!key.startsWith(LEDGER_PREFIX)) continue;
    const [from, to, amountText] = value.split(' ');
    const amount = Number(amountText);
    if (!ACCOUNTS.includes(from!) || !ACCOUNTS.includes(to!) || !Number.isSafeInteger(amount)) {
      problems.push(`ledger record ${key} holds ${JSON.stringify(value)}, not "<from> <to> <amount>"`);
      continue;
    }
    net.set(from!, (net.get(from!) ?? 0) - amount);
    net.set(to!, (net.get(to!) ?? 0) + amount);
    for (const account of [from!, to!]) count.set(account, (count.get(account) ?? 0) + 1);
  }
  for (const account of ACCOUNTS) {
    const transfers = count.get(account) ?? 0;
    if (!observed.has(account)) {
      if (transfers > 0) problems.push(`${account} is missing, but ${transfers} transfer(s) in the ledger name it`);
      continue;
    }
    const expected = OPENING_BALANCE + (net.get(account) ?? 0);
    const balance = balanceOf(observed.get(account));
    if (balance !== expected) {
      problems.push(
        `${account} holds ${balance}, but its opening ${OPENING_BALANCE} and the ${transfers} transfer(s) in the ledger make ${expected}: a transfer is half-applied, or applied without its ledger record`,
      );
    }
  }
  return problems;
}

export const bankWorkload: Workload = {
  name: 'bank',
  summary: `${ACCOUNTS.length} accounts of ${OPENING_BALANCE}; transfers of three puts (debit, credit, ledger record), one transaction from stage 07`,
  rule: 'any-acknowledged',
  invariantFrom: '07',
  invariant: bankProblems,
  *steps({ rng, cycle, initial, flushOdds }) {
    let n = 0;
    const put = (key: string, value: string) => ({ op: 'put' as const, key, value });
    const balance = (account: string, amount: number) => put(account, `${amount} c${cycle}.${n++}`);
    const balances = new Map<string, number>();
    // Open the accounts that do not exist yet: the first cycle, or one killed while opening.
    for (const account of ACCOUNTS) {
      const value = initial.get(account);
      balances.set(account, value === undefined ? OPENING_BALANCE : balanceOf(value));
      if (value === undefined) yield { kind: 'writes', ops: [balance(account, OPENING_BALANCE)] } satisfies Step;
    }
    for (;;) {
      const from = rng.pick(ACCOUNTS);
      const to = rng.pick(ACCOUNTS.filter((account) => account !== from));
      const amount = Math.min(1 + rng.int(20), balances.get(from)!);
      balances.set(from, balances.get(from)! - amount);
      balances.set(to, balances.get(to)! + amount);
      const id = `${LEDGER_PREFIX}c${cycle}.${n}`;
      yield { kind: 'writes', ops: [balance(from, balances.get(from)!), balance(to, balances.get(to)!), put(id, ledgerValue(from, to, amount))] };
      if (flushOdds !== undefined && rng.int(flushOdds) === 0) yield { kind: 'flush' };
    }
  },
};
