// Crash at every step: runs a workload once to count its file-system steps, then again from
// scratch once per step and crash mode, cutting the power just before that step, and lets the
// test check what a reopened store holds. Exhaustive, not sampled: a workload of N steps that
// change the disk is checked at N + 1 points (the last one after it finished) in each mode,
// after a first check that the set-up alone survives a power cut.
//
// One numbering for every fault test: a *step* is one file-system call of the workload, reads
// included, counted from 1 (SimFileSystem.operations). Power cuts go before the steps that
// change the disk (a cut before a read is the same as before the next change), so their
// numbers may skip the reads; an injected EIO may land on any step.

import { Mismatch } from './assert.ts';
import { labelPoint, replayPoint } from './replay.ts';
import { type CrashMode, SimFileSystem } from './sim-fs/sim-fs.ts';

export interface Scenario {
  /** The steps before this count are set-up, not crashed: `fs.mutatingOps` at the end of prepare. */
  mark: number;
  /** The work to crash: it may fail with ECRASHED at any step. */
  workload: () => Promise<void>;
}

export interface CrashPoint {
  /** The step (from 1) the power went out on; steps + 1 once the workload had finished, 0 for the set-up check. */
  step: number;
  /** The workload's steps, reads included. */
  steps: number;
  mode: CrashMode;
  /** True when the workload finished (every promise resolved) before the crash. */
  completed: boolean;
  /** The operation the power went out on, "after the workload", or "before the workload". */
  during: string;
}

/** "step 4 of 6 (rename /a -> /b)": how every fault test names a file-system call of its workload. */
export function describeStep(step: number, steps: number | undefined, what?: string): string {
  return `step ${step}${steps === undefined ? '' : ` of ${steps}`}${what === undefined ? '' : ` (${what})`}`;
}

/** The step an injected fault landed on, from the disk's fault log: "step 3 of 6 (write /db/x)". */
export function describeFaultStep(fs: SimFileSystem, nth: number, steps: number | undefined, start = 0): string {
  const fault = fs.faultLog[0];
  return fault === undefined ? describeStep(nth + 1, steps, 'no call reached it') : describeStep(fault.operation - start + 1, steps, fault.what);
}

/**
 * `prepare` builds a fresh scenario on the given file system (same seed, same result each
 * time); `check` runs after the crash and recovery. Returns the number of points checked.
 * A Mismatch from `check` is completed with what the power cut dropped and the likely cause.
 */
export async function atEveryStep(
  prepare: (fs: SimFileSystem) => Promise<Scenario>,
  check: (fs: SimFileSystem, point: CrashPoint) => Promise<void>,
  modes: readonly CrashMode[] = ['durable', 'torn'],
  seed = 1,
): Promise<number> {
  const probe = new SimFileSystem({ seed });
  const first = await begin(probe, prepare);
  await first.workload();
  const steps = probe.operations - first.start;

  // The set-up alone first: when what it saved is not durable, every later point would fail
  // on it and blame the workload's first step. Each point is one replay point (replay.ts).
  if (replayPoint(`a power cut right after the set-up (disk seed ${seed})`)) {
    const setup = new SimFileSystem({ seed });
    await begin(setup, prepare);
    setup.recover('durable');
    await explained(setup, () => check(setup, { step: 0, steps, mode: 'durable', completed: false, during: 'right after the set-up, before the workload: what the set-up saved must survive it' }));
  }

  let points = 1;
  for (let cut = 0; cut <= probe.mutatingOps - first.mark; cut++) {
    for (const mode of modes) {
      if (!replayPoint(`the power cut before change ${cut + 1} of the workload, crash mode '${mode}' (disk seed ${seed + cut})`)) continue;
      const fs = new SimFileSystem({ seed: seed + cut });
      const { mark, start, workload } = await begin(fs, prepare);
      fs.cutPowerAt(mark + cut);
      let completed = false;
      try {
        await workload();
        completed = true;
      } catch (error) {
        if (!fs.crashed) throw error;
      }
      const step = fs.cutAtOperation === undefined ? steps + 1 : fs.cutAtOperation - start + 1;
      const during = fs.cutDuring ?? 'after the workload';
      const at = step > steps ? `after the last step (${steps} of ${steps})` : `at ${describeStep(step, steps, during)}`;
      labelPoint(`a power cut ${at}, crash mode '${mode}' (disk seed ${seed + cut})`);
      fs.recover(mode);
      await explained(fs, () => check(fs, { step, steps, mode, completed, during }));
      points++;
    }
  }
  return points;
}

async function begin(fs: SimFileSystem, prepare: (fs: SimFileSystem) => Promise<Scenario>) {
  const scenario = await prepare(fs);
  if (scenario.mark !== fs.mutatingOps) throw new Error(`atEveryStep: prepare returned mark ${scenario.mark}, but ${fs.mutatingOps} steps had changed the disk: take the mark at the end of prepare`);
  return { ...scenario, start: fs.operations };
}

/** Runs a check; a Mismatch it throws gains the list of what the crash dropped. */
async function explained(fs: SimFileSystem, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    throw new Mismatch(`${error.message}${describeLosses(fs)}`);
  }
}

/** What the last crash of `fs` dropped, each with its likely cause, as lines for a failure message ('' when nothing). */
export function describeLosses(fs: SimFileSystem): string {
  if (fs.lostAtCrash.length === 0) return '';
  return `\n  not durable when the power went out (the likely cause):\n${fs.lostAtCrash.map((line) => `    ${line}`).join('\n')}`;
}

export function describePoint(point: CrashPoint): string {
  if (point.step === 0) return `power cut ${point.during}`;
  if (point.step > point.steps) return `power cut after the last step (${point.steps} of ${point.steps}), crash mode '${point.mode}'${point.completed ? ', after the workload had finished' : ''}`;
  return `power cut at ${describeStep(point.step, point.steps, point.during)}, crash mode '${point.mode}'`;
}
