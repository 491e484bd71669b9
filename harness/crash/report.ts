// What the crash runner prints: the header, one line per cycle, the summary with the first
// problems stated precisely, the replay command, and the final `N passed, N failed`.

import { findStage } from '../stages.ts';
import { type Problem, showValue, type TrackedOp } from './checker.ts';
import { type CrashOptions, replayCommand } from './options.ts';

export interface CycleResult {
  cycle: number;
  /** Writes acknowledged in the cycle. */
  acknowledged: number;
  /** What was in flight when the kill landed, and whether it made it. */
  inFlight: string;
  /** In-flight writes found after recovery, and not found. */
  landed: number;
  missed: number;
  problems: Problem[];
  /** The child failed or the store could not be reopened: the run stops here. */
  error?: string;
}

export interface CrashSummary {
  options: CrashOptions;
  results: CycleResult[];
  elapsedMs: number;
  runDir: string;
  kept: boolean;
}

const SHOWN_PROBLEMS = 10;

export function headerLines(options: CrashOptions, runDir: string, defaultSync: boolean, invariantNote: string | undefined): string[] {
  const stage = findStage(options.stage)!;
  const sync = options.sync ?? (defaultSync ? "the store's default" : undefined);
  return [
    `crash runner — stage ${stage.id}, ${stage.title}; target ${options.target}${options.engine === undefined ? '' : ` (${options.engine})`}, workload ${options.workload}` +
      `${sync === undefined ? '' : `, sync ${sync}`}, ${options.cycles} cycle(s)`,
    `seed ${options.seed} (--seed ${options.seed} replays this run)`,
    `directory ${runDir}`,
    ...(invariantNote === undefined ? [] : [invariantNote]),
    '',
  ];
}

/** Which of the ops in flight at the kill the reopened store shows. */
export function inFlightResult(ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>, compacting: boolean, ready: boolean) {
  const inFlight = ops.filter((op) => op.state === 'in-flight');
  const landed = inFlight.filter((op) => observed.get(op.key) === (op.op === 'put' ? op.value : undefined));
  const parts: string[] = [];
  if (inFlight.length === 1) {
    const op = inFlight[0]!;
    parts.push(`${op.op} ${op.key} #${op.seq} → ${landed.length === 1 ? 'landed' : 'not landed'}`);
  } else if (inFlight.length > 1) {
    parts.push(`${inFlight.length} writes #${inFlight[0]!.seq}–#${inFlight.at(-1)!.seq} → ${landed.length} landed`);
  }
  if (compacting) parts.push('a compaction');
  const unsaved = ops.filter((op) => op.state === 'not-durable').length;
  if (unsaved > 0) parts.push(`${unsaved} unsaved write(s)`);
  const text = parts.length > 0 ? parts.join(', ') : ready ? 'nothing' : 'nothing (killed while opening)';
  return { text, landed: landed.length, missed: inFlight.length - landed.length };
}

/** Stage 05: every write since the last flush was in flight; how many of them the store kept, as a prefix. */
export function unflushedText(ops: readonly TrackedOp[], kept: number | undefined): string {
  const since = ops.filter((op) => op.state === 'in-flight');
  if (since.length === 0) return 'nothing since the flush';
  const range = since.length === 1 ? `#${since[0]!.seq}` : `#${since[0]!.seq}–#${since.at(-1)!.seq}`;
  const held = kept === undefined ? 'no prefix' : kept === 0 ? 'none kept' : `kept through #${since[kept - 1]!.seq}`;
  return `${since.length} unflushed ${range} → ${held}`;
}

/** Stage 03: the writes in flight are one save; it landed as a whole or not at all. */
export function saveInFlightText(ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>): string {
  const covered = ops.filter((op) => op.state === 'in-flight');
  const last = new Map(covered.map((op) => [op.key, op]));
  const landed = [...last.values()].every((op) => observed.get(op.key) === (op.op === 'put' ? op.value : undefined));
  const first = covered[0]!.seq;
  const final = covered.at(-1)!.seq;
  return `save of ${first === final ? `#${first}` : `#${first}–#${final}`} → ${landed ? 'landed' : 'not landed'}`;
}

export function cycleLine(result: CycleResult): string {
  const lost = result.problems.filter((p) => p.kind === 'lost').length;
  const wrong = result.problems.length - lost;
  const verdict = result.error !== undefined ? 'FAILED (see below)' : result.problems.length === 0 ? 'ok' : `LOST ${lost}, WRONG ${wrong}`;
  return `cycle ${String(result.cycle).padStart(3)}  acknowledged ${String(result.acknowledged).padStart(4)}  ` +
    `in flight: ${result.inFlight.padEnd(36)}  ${verdict}`;
}

export function problemLine(problem: Problem): string {
  return `  cycle ${problem.cycle}  ${problem.kind === 'lost' ? 'LOST ' : 'WRONG'}  key ${JSON.stringify(problem.key)}\n` +
    `      expected: ${problem.expected}\n      found:    ${problem.foundText ?? showValue(problem.found)}`;
}

/** Each cycle is one check: it passed, or it failed (a cycle never run, after an error, failed too). */
export function tally(summary: CrashSummary): { passed: number; failed: number } {
  const failed = summary.results.filter((r) => r.error !== undefined || r.problems.length > 0).length;
  return { passed: summary.results.length - failed, failed: summary.options.cycles - summary.results.length + failed };
}

export function summaryLines(summary: CrashSummary): string[] {
  const { results, options } = summary;
  const problems = results.flatMap((r) => r.problems);
  const errors = results.filter((r) => r.error !== undefined);
  const { passed, failed } = tally(summary);
  const notRun = options.cycles - results.length;
  const lost = problems.filter((p) => p.kind === 'lost').length;
  const minutes = summary.elapsedMs / 60_000;
  const sum = (pick: (r: CycleResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const lines = [
    '',
    `cycles        ${results.length}${notRun > 0 ? ` (${notRun} not run: the run stopped at an error)` : ''}`,
    `acknowledged  ${sum((r) => r.acknowledged)} writes; in flight at the kill: ${sum((r) => r.landed)} landed, ${sum((r) => r.missed)} did not`,
    `lost          ${lost}`,
    `wrong values  ${problems.length - lost}`,
    `speed         ${(results.length / Math.max(minutes, 1e-9)).toFixed(1)} cycles per minute (${(summary.elapsedMs / 1000).toFixed(1)} s)`,
    `seed          ${options.seed}`,
    `directory     ${summary.runDir} (${summary.kept ? 'kept, to inspect' : 'removed'})`,
  ];
  for (const result of errors) lines.push('', `cycle ${result.cycle}: ${result.error}`);
  if (problems.length > 0) {
    lines.push('', `problems (${Math.min(problems.length, SHOWN_PROBLEMS)} of ${problems.length}):`, ...problems.slice(0, SHOWN_PROBLEMS).map(problemLine));
  }
  if (failed > 0) lines.push('', `replay: ${replayCommand(options)}`);
  lines.push('', `${passed} passed, ${failed} failed`);
  return lines;
}
