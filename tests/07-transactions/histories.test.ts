// Stage 07 histories, checked as Elle does: 1,000 random runs per level of concurrent
// list-append transactions, each history searched for anomalies. Under 'snapshot' only cycles
// with two consecutive anti-dependencies (write skew and its kin) may appear; under 'serializable', none.

import { property } from './setup.ts';
import { checkPlan, plans, runPlan } from './histories.ts';

property(
  '07-H01',
  "under 'snapshot', concurrent list-append histories show no anomaly but write skew (Elle's checker)",
  'Rule 8: Histories',
  plans(false),
  async (stage, plan) => checkPlan(await runPlan(stage, plan, 'snapshot'), plan, 'snapshot', false),
  { numRuns: 1000, render: false, timeout: 60_000 }, // 1,000 histories; a slow store needs more than the default 20 s, and a failure shrinks
);

property(
  '07-H02',
  "under 'serializable', concurrent histories of list-appends, reads and scans show no anomaly at all (Elle's checker)",
  'Rule 8: Histories',
  plans(true),
  async (stage, plan) => checkPlan(await runPlan(stage, plan, 'serializable'), plan, 'serializable', true),
  { numRuns: 1000, render: false, timeout: 60_000 },
);
