// Runs one cycle's child process: starts it (node with tsx's loader), feeds its messages to
// the cycle's tracker, and kills it with SIGKILL at the seeded moment: once it has had a
// chosen number of writes acknowledged, right away or a few milliseconds later.

import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../stages.ts';
import { type ChildConfig, MessageDecoder } from './protocol.ts';
import { cycleRng } from './random.ts';
import type { CycleTracker } from './tracker.ts';

const CHILD = path.join(ROOT, 'harness', 'crash', 'child.ts');
export const TSX_LOADER = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;

/** Without a message for this long, the child is taken to hang and is killed. */
const STALL_MS = 20_000;

export interface KillPlan {
  /** Kill once this many acknowledgements arrived (0: as soon as the store is open). */
  afterAcks: number;
  /** …and this many milliseconds later. */
  delayMs: number;
}

/** The kill moment of a cycle: from the seed and the cycle number only. */
export function killPlan(seed: number, cycle: number, maxAcks: number): KillPlan {
  const rng = cycleRng(seed, cycle, 'kill');
  const roll = rng.int(10);
  const afterAcks = roll === 0 ? 0 : roll < 4 ? 1 + rng.int(Math.max(1, Math.floor(maxAcks / 8))) : 1 + rng.int(maxAcks);
  const delayMs = rng.int(3) === 0 ? 1 + rng.int(4) : 0;
  return { afterAcks, delayMs };
}

export interface ChildOutcome {
  /** True when the runner killed it (the normal end of a cycle). */
  killed: boolean;
  /** True when it was killed for going silent. */
  stalled: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of what it printed (the learner's console.log, a stack trace). */
  output: string;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function runChild(config: ChildConfig, tracker: CycleTracker, plan: KillPlan): Promise<ChildOutcome> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CHILD, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let killed = false;
  let stalled = false;
  let armed = false;
  let output = '';
  const kill = () => {
    if (killed || child.exitCode !== null || child.signalCode !== null) return;
    killed = true;
    child.kill('SIGKILL');
  };
  let stall = setTimeout(() => ((stalled = true), kill()), STALL_MS);
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const decoder = new MessageDecoder();
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
    clearTimeout(stall);
    stall = setTimeout(() => ((stalled = true), kill()), STALL_MS);
    for (const message of decoder.push(chunk)) {
      tracker.take(message);
      if (!armed && tracker.ready && tracker.acks >= plan.afterAcks) {
        armed = true;
        if (plan.delayMs === 0) kill();
        else setTimeout(kill, plan.delayMs);
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    // 'close' comes after the process ended and its pipes were drained: every line it wrote is in.
    child.on('close', (code, signal) => {
      clearTimeout(stall);
      running.delete(child);
      resolve({ killed: killed && !stalled && signal === 'SIGKILL', stalled, code, signal, output });
    });
  });
}
