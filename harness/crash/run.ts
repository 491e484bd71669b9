// The crash runner's loop: for each cycle, run the child until it is killed, reopen the store
// in this process, check it against what the child reported, and carry on from what was
// found. Prints as it goes; returns everything the summary needs.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkCycle, matchPrefix, type Problem, type TrackedOp } from './checker.ts';
import { killPlan, runChild } from './child-process.ts';
import { DRIVERS } from './drivers.ts';
import { Ledger } from './ledger.ts';
import type { CrashOptions } from './options.ts';
import { type CrashSummary, type CycleResult, cycleLine, headerLines, inFlightResult, saveInFlightText, unflushedText } from './report.ts';
import { CycleTracker } from './tracker.ts';
import { findWorkload } from './workload.ts';

const REOPEN_TIMEOUT_MS = 30_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish in ${REOPEN_TIMEOUT_MS / 1000} s`)), REOPEN_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const message = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
const tail = (output: string) => (output.trim() === '' ? '' : `\n  its output ended with:\n${output.trimEnd().split('\n').slice(-15).map((l) => `    ${l}`).join('\n')}`);

/** Stage 05: how many of the writes since the last flush the reopened store holds, as a prefix; undefined when it holds none. */
function keptSinceFlush(before: ReadonlyMap<string, string>, ops: readonly TrackedOp[], observed: ReadonlyMap<string, string>): number | undefined {
  const match = matchPrefix(before, ops, observed);
  if (match.differ.length > 0) return undefined;
  return match.applied - ops.filter((op) => op.state === 'acknowledged').length;
}

export async function runCrash(options: CrashOptions, print: (line: string) => void): Promise<CrashSummary> {
  const driver = DRIVERS[options.stage]!;
  // The child processes inherit it, and the checks in this process use the same engine.
  if (options.engine !== undefined) process.env.KATA_ENGINE = options.engine;
  const workload = findWorkload(options.workload)!;
  const parent = options.dir ?? tmpdir();
  mkdirSync(parent, { recursive: true });
  const runDir = mkdtempSync(path.join(parent, 'dbkata-crash-'));
  const storeDir = path.join(runDir, 'store');
  const note = workload.invariantFrom !== undefined && !options.conservation
    ? `note: the ${workload.name} workload's conservation check needs transactions (stage ${workload.invariantFrom}) and is not available before stage ${workload.invariantFrom}; this run checks only that every balance is one it was acknowledged with`
    : undefined;
  for (const line of headerLines(options, runDir, driver.syncPolicies.length > 0, note)) print(line);

  const started = performance.now();
  const ledger = new Ledger();
  const results: CycleResult[] = [];
  let seq = 1;
  for (let cycle = 1; cycle <= options.cycles; cycle++) {
    const tracker = new CycleTracker(driver.durability);
    const config = { stage: options.stage, target: options.target, dir: storeDir, workload: workload.name, seed: options.seed, cycle, firstSeq: seq };
    const outcome = await runChild(options.sync === undefined ? config : { ...config, sync: options.sync }, tracker, killPlan(options.seed, cycle, driver.maxAcksBeforeKill));
    const ops = tracker.result();
    seq = tracker.nextSeq(seq);
    const acknowledged = ops.filter((op) => op.state === 'acknowledged').length;
    const base = { cycle, acknowledged, landed: 0, missed: 0, problems: [] as Problem[] };

    let error: string | undefined;
    if (tracker.error?.startsWith('NotImplementedError') === true) {
      error = `${tracker.error}\n  (your stage ${options.stage} is not written yet; --target reference runs the reference engine)`;
    } else if (tracker.error !== undefined) error = `the child failed: ${tracker.error}${tail(outcome.output)}`;
    else if (outcome.stalled) error = `the child sent nothing for 20 s and was killed: a hang?${tail(outcome.output)}`;
    else if (!outcome.killed) error = `the child ended on its own (exit code ${outcome.code}, signal ${outcome.signal}) before the kill${tail(outcome.output)}`;
    let observed: Map<string, string> | undefined;
    if (error === undefined) {
      try {
        observed = await withTimeout((async () => {
          const store = await driver.open({ dir: storeDir, target: options.target, ...(options.sync === undefined ? {} : { sync: options.sync }) });
          const content = await store.content();
          await store.close();
          return content;
        })(), 'reopening the store');
      } catch (failure) {
        error = `reopening the store after the kill failed: ${message(failure)}`;
      }
    }
    if (error !== undefined || observed === undefined) {
      const result: CycleResult = { ...base, inFlight: '—', error: error ?? 'no content' };
      results.push(result);
      print(cycleLine(result));
      break;
    }

    const problems = checkCycle({ ...ledger.facts(cycle, ops, observed, workload.rule), prefix: driver.durability === 'on-flush' });
    if (options.conservation && workload.invariant !== undefined) {
      for (const text of workload.invariant(observed)) problems.push({ cycle, key: '(all accounts)', kind: 'wrong', expected: text, found: undefined });
    }
    let flight = inFlightResult(ops, observed, tracker.compacting, tracker.ready);
    if (driver.durability === 'on-flush') {
      // Stage 05: the writes since the last flush land as a prefix, not one by one.
      const unflushed = ops.filter((op) => op.state === 'in-flight').length;
      const kept = keptSinceFlush(ledger.before, ops, observed);
      flight = { text: unflushedText(ops, kept), landed: kept ?? 0, missed: unflushed - (kept ?? 0) };
    } else if (driver.durability === 'on-save' && tracker.saveInFlight()) {
      flight = { ...flight, text: saveInFlightText(ops, observed) };
    }
    const result: CycleResult = { ...base, inFlight: flight.text, landed: flight.landed, missed: flight.missed, problems };
    results.push(result);
    print(cycleLine(result));
    ledger.advance(ops, observed);
  }

  const elapsedMs = performance.now() - started;
  // A starter's stub stopped the run before anything was written: nothing to inspect.
  const notImplemented = results.some((r) => r.error?.includes('NotImplementedError') === true);
  const kept = !notImplemented && results.some((r) => r.error !== undefined || r.problems.length > 0);
  if (!kept) rmSync(runDir, { recursive: true, force: true });
  return { options, results, elapsedMs, runDir, kept };
}
