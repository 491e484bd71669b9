// Crash at every step: runs a workload once to count its file-system steps, then again from
// scratch once per step and crash mode, cutting the power just before that step, and lets the
// test check what a reopened store holds. Exhaustive, not sampled: a workload of N steps is
// checked at N + 1 points (the last one after it finished) in each mode.

import { type CrashMode, SimFileSystem } from './sim-fs/sim-fs.ts';

export interface Scenario {
  /** The steps before this count are set-up, not crashed. */
  mark: number;
  /** The work to crash: it may fail with ECRASHED at any step. */
  workload: () => Promise<void>;
}

export interface CrashPoint {
  /** Steps of the workload that ran before the power went out. */
  step: number;
  mode: CrashMode;
  /** True when the workload finished (every promise resolved) before the crash. */
  completed: boolean;
  /** The operation the power went out on, or "after the workload". */
  during: string;
}

/**
 * `prepare` builds a fresh scenario on the given file system (same seed, same result each
 * time); `check` runs after the crash and recovery. Returns the number of points checked.
 */
export async function atEveryStep(
  prepare: (fs: SimFileSystem) => Promise<Scenario>,
  check: (fs: SimFileSystem, point: CrashPoint) => Promise<void>,
  modes: readonly CrashMode[] = ['durable', 'torn'],
  seed = 1,
): Promise<number> {
  const probe = new SimFileSystem({ seed });
  const first = await prepare(probe);
  await first.workload();
  const steps = probe.mutatingOps - first.mark;
  let points = 0;
  for (let step = 0; step <= steps; step++) {
    for (const mode of modes) {
      const fs = new SimFileSystem({ seed: seed + step });
      const { mark, workload } = await prepare(fs);
      fs.cutPowerAt(mark + step);
      let completed = false;
      try {
        await workload();
        completed = true;
      } catch (error) {
        if (!fs.crashed) throw error;
      }
      const during = fs.cutDuring ?? 'after the workload';
      fs.recover(mode);
      await check(fs, { step, mode, completed, during });
      points++;
    }
  }
  return points;
}

export function describePoint(point: CrashPoint): string {
  return `power cut at step ${point.step} (${point.during}), crash mode '${point.mode}'${point.completed ? ', after the workload had finished' : ''}`;
}
