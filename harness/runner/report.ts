// Turns stage outcomes into what a learner reads: one line per test, each failure in full,
// the expected red start collapsed into a pointer to the spec, and a table for many stages.

import { indent } from '../display.ts';
import { type StageInfo, stagePaths } from '../stages.ts';
import type { TargetKind } from '../target.ts';
import type { StageOutcome, TestOutcome } from './run-suites.ts';

const isStub = (test: TestOutcome) => test.message.startsWith('NotImplementedError');

/** The expected first run of a stage: every test failed, each at a starter's stub. */
export function isRedStart(outcome: StageOutcome): boolean {
  return outcome.loadErrors.length === 0 && outcome.tests.length > 0 && outcome.tests.every((t) => t.status === 'failed' && isStub(t));
}

function heading(stage: StageInfo, target: TargetKind): string {
  const where = target === 'reference' ? stagePaths(stage).reference : stagePaths(stage).starter;
  return `stage ${stage.id} — ${stage.title}  (${where})`;
}

/** The full report of one stage: every test, then every failure in detail. */
export function stageReport(outcome: StageOutcome, target: TargetKind): string {
  const { stage, tests, loadErrors } = outcome;
  const out: string[] = [heading(stage, target)];
  if (outcome.refused) {
    out.push(`  ✗ refused before any test ran, so all ${tests.length} tests count as failed:`, ...outcome.refused.map((r) => indent(r, '    ')));
    return out.join('\n');
  }
  for (const error of loadErrors) out.push(`  ✗ could not load a test file:\n${indent(error, '      ')}`);
  if (isRedStart(outcome)) {
    // A stub of the earlier stage this one runs on (harness/target.ts) says so, and how to start without it.
    const stub = tests[0]!.message.replace(/^NotImplementedError: /, '').split('\n')[0]!;
    const inBase = stub.startsWith(`stage ${stage.id} runs on your stage`);
    out.push(
      `  ✗ all ${tests.length} tests stop at a stub: ${inBase ? stub : `not implemented yet — start with ${stagePaths(stage).spec}`}`,
      '    (this red start is expected: the suite is waiting for your code)',
      '',
      '  the plan — each test, by the rule it checks:',
      ...tests.map((t) => `    ${t.id} ${t.title}`.trimEnd()),
    );
    return out.join('\n');
  }
  for (const test of tests.filter((t) => t.status !== 'skipped')) {
    const mark = test.status === 'passed' ? '✓' : test.status === 'failed' ? '✗' : '-';
    const slow = test.durationMs > 2000 ? `  (${(test.durationMs / 1000).toFixed(1)}s)` : '';
    out.push(`  ${mark} ${test.id} ${test.title || '(did not run)'}${slow}`);
  }
  const failures = tests.filter((t) => t.status === 'failed' && !isStub(t));
  const stubs = tests.filter((t) => t.status === 'failed' && isStub(t));
  // Failures that share one message (a syntax error breaks every test alike) print it once.
  const byMessage = new Map<string, TestOutcome[]>();
  for (const test of failures) byMessage.set(test.message, [...(byMessage.get(test.message) ?? []), test]);
  for (const [message, group] of byMessage) {
    const head = group.length === 1 ? `✗ ${group[0]!.id} ${group[0]!.title}`.trimEnd() : `✗ ${group.length} tests failed with the same error: ${group.map((t) => t.id).join(' ')}`;
    out.push('', head, indent(message, '  '));
  }
  if (stubs.length > 0) {
    out.push('', `${stubs.length} test(s) still reach a stub that throws "not implemented yet": ${stubs.map((t) => t.id).join(' ')}`);
  }
  return out.join('\n');
}

/** One row per stage, then the first real failure of each stage that has one. */
export function tableReport(outcomes: readonly StageOutcome[], target: TargetKind): string {
  const rows = outcomes.map(({ stage, tests, loadErrors }) => {
    const passed = tests.filter((t) => t.status === 'passed').length;
    const failed = tests.filter((t) => t.status === 'failed').length + loadErrors.length;
    const state = stage.status === 'planned' ? 'not written yet' : failed === 0 ? 'done' : passed === 0 ? 'to do' : 'in progress';
    if (stage.status === 'planned') return [stage.id, stage.title, '-', '-', state];
    return [stage.id, stage.title, String(passed), String(failed), state];
  });
  const header = ['stage', 'title', 'passed', 'failed', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const out = [`target: ${target}`, line(header), ...rows.map(line)];
  for (const outcome of outcomes) {
    const first = outcome.tests.find((t) => t.status === 'failed' && !isStub(t));
    if (outcome.refused) {
      out.push('', `stage ${outcome.stage.id}: refused before any test ran`, ...outcome.refused.map((r) => indent(r, '  ')));
    } else if (outcome.loadErrors.length > 0) {
      out.push('', `stage ${outcome.stage.id}: could not load a test file`, indent(outcome.loadErrors[0]!, '  '));
    } else if (first) {
      out.push('', `stage ${outcome.stage.id}, first failure: ✗ ${first.id} ${first.title}`, indent(first.message, '  '));
      out.push(`  (all of this stage: npm test -- stage ${outcome.stage.id})`);
    }
  }
  return out.join('\n');
}
