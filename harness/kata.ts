// The helpers every stage suite is written with: `rule` for an example test, `property` for a
// fast-check property. Both give the test a stable id, tie it to a section of the stage's
// spec, and turn a failure into a message a learner can act on: what broke, the seed and
// shrunk case, and the command that reruns just that test.

import fc from 'fast-check';
import { test } from 'vitest';
import { Mismatch } from './assert.ts';
import { indent } from './display.ts';
import { beginTest, checkReplayReached, failedPoint } from './replay.ts';
import { runSeed, testSeed } from './seed.ts';
import { findStage, type StageInfo, stagePaths } from './stages.ts';
import { baseKind, loadStage, targetKind } from './target.ts';

export interface PropertyOptions<V> {
  /** How many random cases; the default suits a fast stage suite. */
  numRuns?: number;
  /** Renders a counterexample; false when the error already shows it (a model transcript). */
  render?: ((value: V) => string) | false;
  /** Per-test timeout in ms when the default (harness/limits.ts) is too short; say why at the call. */
  timeout?: number;
}

/** A replay (--only ID with KATA_PATH), read when the suite loads, before the code under test could change it. */
const REPLAY = Object.freeze({ only: process.env.KATA_ONLY, path: process.env.KATA_PATH, engine: process.env.KATA_ENGINE || undefined });

export interface RunSettings {
  target: 'learner' | 'reference';
  base: 'learner' | 'reference';
  /** KATA_ENGINE, when set. */
  engine?: string;
}

/**
 * The command that runs one test alone on the same target, base and engine as this run:
 * `--engine` is kept whenever the reference's engine reaches the stage (a reference stage, or
 * a reference base, from stage 05 on), even when the engine came from KATA_ENGINE.
 */
export function rerunCommand(stage: StageInfo, id: string, run: RunSettings, env = ''): string {
  const reference = run.target === 'reference' ? ' --reference' : '';
  const base = run.target === 'learner' && run.base === 'reference' && stage.base !== undefined ? ' --base reference' : '';
  const baseStage = stage.base === undefined ? undefined : findStage(stage.base);
  const engineMatters = run.target === 'reference' ? stage.engines !== undefined : base !== '' && baseStage?.engines !== undefined;
  const engine = run.engine !== undefined && engineMatters ? ` --engine ${run.engine}` : '';
  return `${env}npm test -- stage ${stage.id} --only ${id}${reference}${base}${engine}`;
}

export function defineStage<T>(stageId: string, functions: readonly string[]) {
  const stage = findStage(stageId);
  if (stage === undefined) throw new Error(`unknown stage ${stageId}`);
  const { spec } = stagePaths(stage);
  const load = () => loadStage<T>(stageId, functions);

  function rerun(id: string, env = ''): string {
    return rerunCommand(stage!, id, { target: targetKind(), base: baseKind(), ...(REPLAY.engine ? { engine: REPLAY.engine } : {}) }, env);
  }

  /**
   * The failure as a learner reads it: the message, the spec section of the check that failed
   * (a Mismatch may name its own), the seed, and the replay line — for a crash or fault point,
   * one that replays that point alone (replay.ts). A property passes its own seed lines.
   */
  function explain(error: unknown, id: string, section: string, replay?: string): unknown {
    if (!(error instanceof Error) || error.name === 'NotImplementedError') return error;
    const cited = error instanceof Mismatch && error.section !== undefined ? error.section : section;
    const point = failedPoint();
    const seedLines = replay ?? (point === undefined
      ? `\n  seed:   ${runSeed()}\n  replay: ${rerun(id, `KATA_SEED=${runSeed()} `)}`
      : `\n  point:  ${point.point}, ${point.label}\n  seed:   ${runSeed()}\n  replay: ${rerun(id, `KATA_SEED=${runSeed()} KATA_POINT=${point.point} `)} (this point alone)`);
    const where = `\n\n  spec:   ${spec}, section "${cited}"${seedLines}\n  rerun:  ${rerun(id)}`;
    const explained = new Error(`${error.message}${where}`);
    explained.name = error instanceof Mismatch ? 'Mismatch' : error.name;
    if (!(error instanceof Mismatch)) explained.stack = `${explained.name}: ${explained.message}\n${stackFrames(error)}`;
    return explained;
  }

  /** An example-based test: `id` is stable (e.g. 02-E07), `section` names the spec section. */
  function rule(id: string, title: string, section: string, body: (target: T) => unknown, timeout?: number): void {
    test(`${id} ${title}`, async () => {
      const target = await load(); // a module that fails to load fails every test alike: not decorated
      beginTest(id);
      try {
        await body(target);
        checkReplayReached();
      } catch (error) {
        throw explain(error, id, section);
      }
    }, timeout);
  }

  /** A property: fast-check runs `body` on generated values; a failure is shrunk and replayable. */
  function property<V>(
    id: string,
    title: string,
    section: string,
    arbitrary: fc.Arbitrary<V>,
    body: (target: T, value: V) => Promise<void> | void,
    options: PropertyOptions<V> = {},
  ): void {
    test(`${id} ${title}`, async () => {
      const target = await load();
      beginTest(id);
      const seed = testSeed(id);
      // A replay path belongs to one test: it applies only when that test alone is run (--only).
      const path = REPLAY.only === id ? REPLAY.path : undefined;
      const details = await fc.check(
        fc.asyncProperty(arbitrary, async (value) => {
          await body(target, value);
        }),
        { seed, numRuns: options.numRuns ?? 100, ...(path ? { path } : {}) },
      );
      if (!details.failed) return;
      const cause = details.errorInstance;
      if (cause instanceof Error && cause.name === 'NotImplementedError') throw cause;
      const shrunk = details.counterexample?.[0] as V;
      const render = options.render ?? fc.stringify;
      const shown = render === false ? '' : `counterexample:\n${indent(render(shrunk))}\n\n`;
      const message =
        `property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)\n\n` +
        `${shown}${describeCause(cause)}`;
      const replay = `\n  seed:   ${runSeed()} (this test's fast-check seed ${seed})` +
        `\n  replay: ${rerun(id, `KATA_SEED=${runSeed()} KATA_PATH=${details.counterexamplePath} `)}`;
      const own = cause instanceof Mismatch && cause.section !== undefined ? { section: cause.section } : {};
      throw explain(new Mismatch(message, own), id, section, replay);
    }, options.timeout);
  }

  return { rule, property, load };
}

/** A failed expectation speaks for itself; an unexpected error also shows where it came from. */
function describeCause(cause: unknown): string {
  if (cause instanceof Mismatch) return cause.message;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}\n${stackFrames(cause)}`;
  return String(cause);
}

/** The stack frames of an unexpected error, minus the harness's own. */
function stackFrames(error: Error): string {
  return (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at ') && !line.includes('/node_modules/') && !line.includes('/harness/'))
    .slice(0, 6)
    .join('\n');
}
