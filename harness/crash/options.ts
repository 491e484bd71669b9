// The crash runner's command line: its flags, their checks, --help, and the command that
// replays a run.

import { parseArgs, seedFlag, UsageError } from '../cli/args.ts';
import { ENGINES, type Engine, findStage } from '../stages.ts';
import type { TargetKind } from '../target.ts';
import { DRIVERS } from './drivers.ts';
import { randomSeed } from './random.ts';
import { WORKLOADS, findWorkload } from './workload.ts';

export interface CrashOptions {
  stage: string;
  target: TargetKind;
  cycles: number;
  seed: number;
  /** Where the run's directory is made; the system's temporary directory when not given. */
  dir?: string;
  sync?: string;
  /** From stage 05 on: the reference engine (KATA_ENGINE) the run drives. */
  engine?: Engine;
  workload: string;
  /** Check the workload's invariant over the whole store (the bank's total; stage 07 on). */
  conservation: boolean;
}

export const HELP = `npx tsx harness/crash.ts — kill -9 recovery checks

Runs a seeded workload against a stage's store in a child process on the real file system,
kills the child with SIGKILL at a seeded moment, reopens the store and checks that every
acknowledged write is there and nothing else is; then again, on the same directory. Stage 05
acknowledges writes by the flush() after them, and must come back as the state after one
write at or after the last completed flush.

options:
  --stage NN          the stage to drive: 03, 04, 05, 06 or 07 (default 04)
  --engine E          stages 05 to 07: the reference's index, lsm (default) or btree
  --target T          learner (your stages/NN-slug/index.ts, the default) or reference
  --cycles N          kill-and-recover cycles (default 20)
  --seed S            the run's seed (default: KATA_SEED, else a new one; printed)
  --dir PATH          make the run's directory under PATH (default: the system's temp
                      directory); removed at the end unless a problem was found
  --sync MODE         stage 04: always or batch; stages 06, 07: commit or window
                      (default: the store's own)
  --workload kv|bank  kv (default): puts and deletes over 40 keys.
                      bank: transfers between accounts, each written as three puts
                      (debit, credit, a ledger record keyed by the transfer's id)
  --conservation      with --workload bank: also check that the balances add up and
                      match the ledger, so no transfer is half-applied (needs
                      transactions: not available before stage 07)
  --help              this text

Reproducibility: the seed fixes each cycle's workload and the moment of the kill (after how
many acknowledgements, and how many milliseconds later). Where the child really is when the
signal lands depends on timing, so a replay runs the same workload and aims the kill at the
same moment, but may catch a different write in flight. (The bank's amounts also depend on
the balances the previous cycle left.)

Exit code: 0 when every cycle passed, 1 when one failed (its directory is kept), 2 on a bad
flag. The last line is \`N passed, N failed\`: each cycle is one check.

kill -9 is not a power loss: the written pages stay in the kernel's page cache, so this
checks recovery logic, never fsync discipline (the stage suites' simulated disk does that).
See docs/crash-runner.md.`;

const VALUE_FLAGS = ['stage', 'target', 'cycles', 'seed', 'dir', 'sync', 'workload', 'engine'];
const SWITCHES = ['help', 'conservation'];
const USAGE = 'npx tsx harness/crash.ts [--stage NN] [--engine E] [--target T] [--cycles N] [--seed S] [--dir PATH] [--sync MODE] [--workload kv|bank] [--conservation]';

/** The options, or 'help'. Throws UsageError on a bad flag. */
export function parseCrashArgs(argv: readonly string[]): CrashOptions | 'help' {
  const { flags } = parseArgs(argv, { usage: USAGE, values: VALUE_FLAGS, switches: SWITCHES });
  if (flags.has('help')) return 'help';
  const text = (name: string) => flags.get(name) as string | undefined;

  const stage = findStage(text('stage') ?? '04');
  if (stage === undefined) throw new UsageError(`unknown stage "${text('stage')}"`);
  const driver = DRIVERS[stage.id];
  if (driver === undefined) {
    throw new UsageError(`the crash runner drives stages ${Object.keys(DRIVERS).join(' and ')}; stage ${stage.id} (${stage.title}) has no driver`);
  }
  const target = text('target') ?? 'learner';
  if (target !== 'learner' && target !== 'reference') throw new UsageError(`--target must be learner or reference, got "${target}"`);
  const cycles = Number(text('cycles') ?? 20);
  if (!Number.isSafeInteger(cycles) || cycles < 1) throw new UsageError(`--cycles must be a whole number >= 1, got "${text('cycles')}"`);
  const sync = text('sync');
  if (sync !== undefined && !(driver.syncPolicies as readonly string[]).includes(sync)) {
    throw new UsageError(driver.syncPolicies.length === 0
      ? `stage ${stage.id} has no sync policy: drop --sync`
      : `--sync must be ${driver.syncPolicies.join(' or ')}, got "${sync}"`);
  }
  const engine = text('engine');
  if (engine !== undefined) {
    if (stage.engines === undefined) throw new UsageError(`stage ${stage.id} has one engine: drop --engine`);
    if (!(ENGINES as readonly string[]).includes(engine)) throw new UsageError(`--engine must be ${ENGINES.join(' or ')}, got "${engine}"`);
  }
  const workloadName = text('workload') ?? 'kv';
  const workload = findWorkload(workloadName);
  if (workload === undefined) throw new UsageError(`--workload must be ${Object.keys(WORKLOADS).join(' or ')}, got "${workloadName}"`);
  const conservation = flags.has('conservation');
  if (conservation) {
    if (workload.invariantFrom === undefined) throw new UsageError(`--conservation needs --workload bank: the ${workload.name} workload has no invariant`);
    if (stage.id < workload.invariantFrom) {
      throw new UsageError(`the conservation check is not available before stage ${workload.invariantFrom} (transactions): without them a transfer's two puts are not atomic. Drop --conservation to check each balance alone.`);
    }
  }
  const dir = text('dir');
  return {
    stage: stage.id,
    target,
    cycles,
    seed: seedFlag(flags, randomSeed),
    ...(dir === undefined ? {} : { dir }),
    ...(sync === undefined ? {} : { sync }),
    ...(engine === undefined ? {} : { engine: engine as Engine }),
    workload: workload.name,
    conservation,
  };
}

/** The command that runs these options again, seed included. */
export function replayCommand(options: CrashOptions): string {
  const parts = ['npx tsx harness/crash.ts', `--stage ${options.stage}`, `--target ${options.target}`, `--cycles ${options.cycles}`, `--seed ${options.seed}`];
  if (options.engine !== undefined) parts.push(`--engine ${options.engine}`);
  if (options.sync !== undefined) parts.push(`--sync ${options.sync}`);
  parts.push(`--workload ${options.workload}`);
  if (options.conservation) parts.push('--conservation');
  if (options.dir !== undefined) parts.push(`--dir ${JSON.stringify(options.dir)}`);
  return parts.join(' ');
}
