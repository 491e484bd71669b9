// `npm run check`: the project's own test command (README, .ci/run). It proves the course:
// the code type-checks and lints, the harness passes its own tests, the reference passes
// every stage, every untouched starter fails every test of its stage with the "not
// implemented yet" message and equals its pristine copy (harness/starters/), every mutant is killed, and the reference survives kill -9
// cycles of the crash runner. Last line: `N passed, N failed`.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { summaryLines, tally as crashTally } from '../crash/report.ts';
import { runCrash } from '../crash/run.ts';
import { lint } from '../lint.ts';
import { mutantTable, runMutants } from '../mutants/run-mutants.ts';
import { isRedStart } from '../runner/report.ts';
import { cleanMessage, countTests, runSuites } from '../runner/run-suites.ts';
import { runVitest } from '../runner/vitest-process.ts';
import { planReset } from '../reset.ts';
import { type Engine, ENGINES, READY_STAGES, ROOT, type StageInfo, stageFolder } from '../stages.ts';
import { parseArgs, runMain, seedFlag } from './args.ts';

const HELP = `npm run check [-- --seed N]

The project's own proof: type-check, lint, the harness's tests, the reference passes every
stage, every untouched starter fails every test, every mutant is killed, kill -9 runs.
--seed N seeds the random tests (default 1). The last line is \`N passed, N failed\`.`;

interface Tally {
  passed: number;
  failed: number;
  problems: string[];
}

const tally: Tally = { passed: 0, failed: 0, problems: [] };

function record(step: string, passed: number, failed: number, problems: string[] = []): void {
  tally.passed += passed;
  tally.failed += failed;
  tally.problems.push(...problems.map((p) => `[${step}] ${p}`));
  const mark = failed === 0 ? 'ok  ' : 'FAIL';
  console.log(`${mark} ${step.padEnd(40)} ${passed} passed, ${failed} failed`);
}

async function main(): Promise<number> {
  const { flags } = parseArgs(process.argv.slice(2), { usage: 'npm run check [-- --seed N]', values: ['seed'], switches: [] });
  if (flags.has('help')) {
    console.log(HELP);
    return 0;
  }
  const seed = seedFlag(flags, () => 1, false);
  const started = performance.now();
  console.log(`npm run check — seed ${seed}\n`);

  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', ROOT], { encoding: 'utf8' });
  record('type-check', tsc.status === 0 ? 1 : 0, tsc.status === 0 ? 0 : 1, tsc.status === 0 ? [] : [tsc.stdout.trim()]);

  const problems = lint().map((p) => `${p.file}:${p.line}: ${p.rule}: ${p.message}`);
  record('lint', problems.length === 0 ? 1 : 0, problems.length === 0 ? 0 : 1, problems);

  // A hang guard, not a budget: the harness's tests grade fixtures end to end (forges, Gradescope, a starter repo).
  const harness = await runVitest({ paths: ['harness/'], env: { KATA_SEED: String(seed) }, showConsole: false, timeoutSeconds: 300 });
  const harnessPassed = harness.ended.filter((t) => t.status === 'passed');
  const harnessFailed = harness.ended.filter((t) => t.status === 'failed');
  const harnessBroken = [
    ...harnessFailed.map((t) => `${t.title}: ${cleanMessage(t.message)}`),
    ...harness.running.map((t) => `${t.title}: never finished (${harness.abnormalEnd ?? 'the run ended'})`),
    ...harness.loadErrors.map((e) => `${path.relative(ROOT, e.file)}: ${cleanMessage(e.message)}`),
  ];
  if (harnessPassed.length === 0) harnessBroken.push('no harness test passed: did the run start at all?');
  record('harness unit tests', harnessPassed.length, harnessBroken.length, harnessBroken);

  // Stages with two reference engines run once per engine.
  const runs: Array<{ label: string; stages: StageInfo[]; engine?: Engine }> = [
    { label: 'reference passes every stage', stages: READY_STAGES.filter((s) => s.engines === undefined) },
    ...ENGINES.map((engine) => ({ label: `reference (${engine}) passes`, stages: READY_STAGES.filter((s) => s.engines !== undefined), engine })),
  ];
  for (const { label, stages, engine } of runs.filter((r) => r.stages.length > 0)) {
    const reference = await runSuites({ stages, target: 'reference', seed, showConsole: false, ...(engine ? { engine } : {}) });
    const counts = countTests(reference);
    record(label, counts.passed, counts.failed, reference.flatMap((o) => [
      ...o.loadErrors,
      ...o.tests.filter((t) => t.status === 'failed').map((t) => `${t.id} ${t.title}${engine ? ` (${engine})` : ''}\n${t.message}`),
    ]));
  }

  const starters = await runSuites({ stages: READY_STAGES, target: 'learner', seed, showConsole: false });
  const redStarts = starters.filter(isRedStart);
  record('starters fail every test', redStarts.length, starters.length - redStarts.length, starters
    .filter((o) => !redStarts.includes(o))
    .map((o) => {
      const bad = o.tests.filter((t) => t.status !== 'failed' || !t.message.startsWith('NotImplementedError'));
      return `stage ${o.stage.id}: a starter must fail every test with "not implemented yet"; these did not: ${bad.map((t) => `${t.id} (${t.status})`).join(', ') || o.loadErrors.join('; ')}`;
    }));

  // npm run reset copies harness/starters/ back: it must hold exactly the starters shipped.
  const drifted = READY_STAGES.filter((stage) => !planReset(stage).unchanged);
  record('starters match harness/starters/', READY_STAGES.length - drifted.length, drifted.length, drifted.map((stage) =>
    `stages/${stageFolder(stage)}/index.ts differs from harness/starters/${stageFolder(stage)}/index.ts: change both together`));

  const mutants = await runMutants(seed);
  const killed = mutants.filter((m) => m.killed).length;
  record('mutants killed', killed, mutants.length - killed, mutants.some((m) => !m.killed) ? [mutantTable(mutants)] : []);

  // Real kill -9 on the real file system: recovery code, not fsync discipline (the sim does that).
  const crashRuns = [
    { stage: '03', cycles: 20 },
    { stage: '04', cycles: 50 },
    { stage: '05', cycles: 20, engine: 'lsm' },
    { stage: '05', cycles: 20, engine: 'btree' },
    { stage: '06', cycles: 40, engine: 'lsm' },
    { stage: '06', cycles: 40, engine: 'btree', sync: 'window' },
    // Stage 07, both workloads: the bank checks atomicity (its total and ledger), kv every key's latest value.
    { stage: '07', cycles: 40, engine: 'lsm', workload: 'bank', conservation: true },
    { stage: '07', cycles: 40, engine: 'btree', workload: 'bank', conservation: true },
    { stage: '07', cycles: 20, engine: 'lsm', workload: 'kv' },
    { stage: '07', cycles: 20, engine: 'btree', workload: 'kv' },
  ] as const;
  for (const run of crashRuns) {
    const summary = await runCrash({ target: 'reference', seed, workload: 'kv', conservation: false, ...run }, () => {});
    const counts = crashTally(summary);
    const name = `kill -9 runner, stage ${run.stage}${'engine' in run ? ` (${run.engine}${'workload' in run ? `, ${run.workload}` : ''})` : ''}`;
    record(name, counts.passed, counts.failed, counts.failed > 0 ? [summaryLines(summary).join('\n')] : []);
  }

  if (tally.problems.length > 0) console.log(`\n${tally.problems.join('\n\n')}`);
  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  return tally.failed === 0 ? 0 : 1;
}

runMain(main);
