// What a learner can do about an anomaly: a plain name for it ("lost update", "phantom") and
// where to look in the engine, with the stage 07 rule it breaks; and the order the findings
// are reported in, most actionable first (a lost update before the incompatible reads it
// leaves behind, a write skew before the G2-item cycle it is an instance of).

import { hasConsecutiveRw } from './levels.ts';
import type { Anomaly, AnomalyName } from './types.ts';

const SPEC = 'stages/07-transactions/README.md';

const VALIDATE_READS = `serializable must validate reads: at commit, refuse it (CONFLICT) if a key it read was changed by a transaction that committed after its begin (${SPEC}, rule 4)`;
const VALIDATE_RANGES = `serializable must validate scanned ranges: at commit, refuse it (CONFLICT) if a key inside a range it scanned appeared, changed or vanished after its begin — the whole range asked for (${SPEC}, rule 4)`;
const FIRST_COMMITTER_WINS = `check first-committer-wins: a commit must fail with CONFLICT when a transaction that committed after its begin wrote a key it writes (${SPEC}, rule 4)`;
const ONE_SNAPSHOT = `snapshot isolation cannot produce this: read every key at the snapshot taken at begin, and make each commit's writes visible all at once (${SPEC}, rules 1 and 2)`;

const PLAIN: Record<AnomalyName, { label: string; check: string }> = {
  'G0': { label: 'write cycle (G0)', check: `two commits' writes interleaved: apply each commit's writes in one step, in commit order (${SPEC}, rule 2)` },
  'G1a': { label: 'aborted read (G1a)', check: `a refused or rolled-back transaction's write became visible: record a commit's versions only once its conflict check passed, and never show a failed commit (${SPEC}, rules 2, 4 and 5)` },
  'G1b': { label: 'intermediate read (G1b)', check: `a transaction's writes became visible one at a time: all of them at once, when its commit resolves (${SPEC}, rule 2)` },
  'G1c': { label: 'circular information flow (G1c)', check: `a transaction saw a commit made after its snapshot: read only versions at or before the snapshot taken at begin (${SPEC}, rule 1)` },
  'G-single': { label: 'read skew (G-single)', check: ONE_SNAPSHOT },
  'G2-item': { label: 'anti-dependency cycle (G2-item)', check: VALIDATE_READS },
  'lost-update': { label: 'lost update', check: FIRST_COMMITTER_WINS },
  'write-skew': { label: 'write skew', check: VALIDATE_READS },
  'incompatible-order': { label: 'incompatible order', check: `a list lost elements it once had: a committed write was undone or replaced (${SPEC}, rules 3 and 4)` },
  'internal': { label: "own writes not seen", check: `a transaction must read its own writes, laid over its snapshot (${SPEC}, rule 1)` },
  'duplicate-append': { label: 'duplicate append', check: 'the same value was appended twice: a commit applied twice (replayed after it was already applied?), or a history recorded wrongly' },
};

/** The plain name and where to look, from the anomaly's name and evidence. */
export function advise(a: Anomaly): { label: string; check: string } {
  if (a.name === 'incompatible-order' && a.replaced === true) return { label: 'lost update (one list replaced another)', check: FIRST_COMMITTER_WINS };
  if ((a.name === 'write-skew' || a.name === 'G2-item') && a.viaScan === true) {
    return { label: a.name === 'write-skew' ? 'phantom (write skew through a scanned range)' : 'phantom (G2: an anti-dependency cycle through a scanned range)', check: VALIDATE_RANGES };
  }
  if (a.name === 'G2-item' && a.edges !== undefined && !hasConsecutiveRw(a.edges)) return { label: PLAIN['G2-item'].label, check: ONE_SNAPSHOT };
  return PLAIN[a.name];
}

/** Reporting order: the findings a learner can act on first, the symptoms they explain last. */
const RANK: AnomalyName[] = ['duplicate-append', 'internal', 'G1a', 'G1b', 'lost-update', 'G0', 'G1c', 'G-single', 'write-skew', 'G2-item', 'incompatible-order'];

/** The anomalies in reporting order; a stable sort keeps the checker's order within a name. */
export function rank(anomalies: readonly Anomaly[]): Anomaly[] {
  const replaced = (a: Anomaly) => (a.name === 'incompatible-order' && a.replaced === true ? RANK.indexOf('lost-update') + 0.5 : RANK.indexOf(a.name));
  return [...anomalies].sort((x, y) => replaced(x) - replaced(y));
}
