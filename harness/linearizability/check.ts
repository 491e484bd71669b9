// checkLinearizable: the checker's entry point. A key-value history is linearizable iff each
// key's sub-history is (P-compositionality), so it checks key by key with the WGL search and
// explains the first key that fails; past its time budget it answers 'unknown'.

import { explain } from './explain.ts';
import { registerModel } from './model.ts';
import { partition } from './prepare.ts';
import { search } from './search.ts';
import type { CheckOptions, CheckResult, Operation } from './types.ts';

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Is `history` linearizable against a store of independent registers? `ops` in the answer counts
 * the operations checked: failed ones, and gets whose outcome is unknown, are not.
 */
export function checkLinearizable(history: readonly Operation[], options: CheckOptions = {}): CheckResult {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  const byKey = partition(history);
  let ops = 0;
  const timedOut: string[] = [];
  for (const [key, keyOps] of byKey) {
    ops += keyOps.length;
    const result = search(keyOps, registerModel, deadline);
    if (result.ok === 'timeout') timedOut.push(key);
    else if (!result.ok) return { ok: false, key, ...explain(key, keyOps, deadline + timeoutMs) };
  }
  if (timedOut.length > 0) {
    const keys = timedOut.map((k) => JSON.stringify(k)).join(', ');
    return { ok: 'unknown', reason: `the search exceeded its budget of ${timeoutMs} ms on key(s) ${keys}; no violation was found in the other keys` };
  }
  return { ok: true, keys: byKey.size, ops };
}
