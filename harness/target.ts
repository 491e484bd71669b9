// Loads the implementation a suite tests: the learner's starter folder (the default), or the
// reference adapter (KATA_TARGET=reference). Tests reach code only through here, so they
// cannot depend on anyone's internals. KATA_REFERENCE_ROOT points the reference at another
// copy of reference/, which is how the mutant runner tests patched engines.
//
// They are read once, when this module loads, before any code under test does: learner code
// that sets process.env.KATA_TARGET=reference afterwards changes nothing.
//
// A stage that builds on an earlier one (stages.ts: `base`) gets that stage injected: each
// function of the learner's `stage` is called with the base's `stage` object as one more,
// last, argument — the learner's own earlier stage (itself given its base), or with
// KATA_BASE=reference (npm test -- stage 07 --base reference) the reference's. So a learner
// can start at any stage and never imports the reference. The reference's adapters are whole
// engines and take no base.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, findStage, stagePaths } from './stages.ts';

export type TargetKind = 'learner' | 'reference';
/** Whose earlier stage a learner's stage is built on. */
export type BaseKind = 'learner' | 'reference';

function readTargetKind(): TargetKind {
  const value = process.env.KATA_TARGET ?? 'learner';
  if (value !== 'learner' && value !== 'reference') {
    throw new Error(`KATA_TARGET must be "learner" or "reference", got "${value}"`);
  }
  return value;
}

/** What this process tests, as its environment said when it started. */
const SETTINGS = Object.freeze({
  target: readTargetKind(),
  referenceRoot: process.env.KATA_REFERENCE_ROOT ?? path.join(ROOT, 'reference'),
  base: readBaseKind(),
  engine: process.env.KATA_ENGINE,
});

/**
 * The environment for a process a test spawns to run the same target (stage 08's lock
 * holders): this process's, with the target settings as they were at load — not as code under
 * test may have set them since.
 */
export function childEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KATA_TARGET: SETTINGS.target, KATA_REFERENCE_ROOT: SETTINGS.referenceRoot, KATA_BASE: SETTINGS.base };
  if (SETTINGS.engine === undefined) delete env.KATA_ENGINE;
  else env.KATA_ENGINE = SETTINGS.engine;
  return env;
}

export function targetKind(): TargetKind {
  return SETTINGS.target;
}

export function baseKind(): BaseKind {
  return SETTINGS.base;
}

function readBaseKind(): BaseKind {
  const value = process.env.KATA_BASE || 'learner';
  if (value !== 'learner' && value !== 'reference') {
    throw new Error(`KATA_BASE must be "learner" or "reference", got "${value}"`);
  }
  return value;
}

/** The file a stage's tests load, relative to the repository root when it lies inside it. */
export function targetFile(stageId: string, kind: TargetKind = targetKind(), referenceRoot = SETTINGS.referenceRoot): string {
  const stage = findStage(stageId);
  if (stage === undefined) throw new Error(`unknown stage ${stageId}`);
  if (kind === 'learner') return path.join(ROOT, stagePaths(stage).starter);
  return path.join(referenceRoot, 'stages', `${stage.id}.ts`);
}

const cache = new Map<string, Promise<Record<string, unknown>>>();

/**
 * The `stage` object a stage's module exports, checked for the functions its contract names.
 * A missing export is reported as a learner can act on it, not as "undefined is not a function".
 * A learner's stage that builds on another is handed its base (see the header).
 */
export function loadStage<T>(stageId: string, functions: readonly string[]): Promise<T> {
  return loadAs(stageId, functions, targetKind()) as Promise<T>;
}

function loadAs(stageId: string, functions: readonly string[], kind: TargetKind): Promise<Record<string, unknown>> {
  const file = targetFile(stageId, kind);
  let loading = cache.get(file);
  if (loading === undefined) {
    loading = importStage(file, functions).then(async (stage) => {
      const base = findStage(stageId)?.base;
      if (kind === 'reference' || base === undefined) return stage;
      return injectBase(stage, functions, await loadBase(base, stageId));
    });
    cache.set(file, loading);
  }
  return loading;
}

async function importStage(file: string, functions: readonly string[]): Promise<Record<string, unknown>> {
  const module = (await import(pathToFileURL(file).href)) as { stage?: Record<string, unknown> };
  const shown = path.relative(ROOT, file);
  const stage = module.stage;
  if (stage === undefined || stage === null || typeof stage !== 'object') {
    throw new Error(`${shown} must export \`stage\` (the starter's last line does: keep it)`);
  }
  const missing = functions.filter((name) => typeof stage[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`${shown}: \`stage\` is missing ${missing.join(', ')} (see the contract.ts beside it)`);
  }
  return stage;
}

/** The base stage's `stage` object, whose stubs say how to start without it. */
async function loadBase(baseId: string, forStage: string): Promise<Record<string, unknown>> {
  const kind = baseKind();
  if (kind === 'reference' && !existsSync(targetFile(baseId, 'reference'))) {
    throw new Error(
      `--base reference: stage ${forStage} would run on the reference's stage ${baseId}, but this repository has no reference/ ` +
        `(a learner's starter repository). Run on your own stage ${baseId} (drop --base), or ask your instructor for the reference ` +
        `base: a copy of reference/ at the repository's root, or anywhere with KATA_REFERENCE_ROOT=/path/to/reference (docs/instructors.md).`,
    );
  }
  const base = await loadAs(baseId, BASE_FUNCTIONS[baseId] ?? [], kind);
  if (kind === 'reference') return base;
  const wrapped: Record<string, unknown> = { ...base };
  for (const [name, fn] of Object.entries(base)) {
    if (typeof fn !== 'function') continue;
    wrapped[name] = (...args: unknown[]) => {
      const explain = (error: unknown) => {
        if ((error as Error | undefined)?.name !== 'NotImplementedError') throw error;
        (error as Error).message =
          `stage ${forStage} runs on your stage ${baseId}, which is ${(error as Error).message}. ` +
          `To start at stage ${forStage} without it: npm test -- stage ${forStage} --base reference`;
        throw error;
      };
      try {
        const result = (fn as (...a: unknown[]) => unknown).apply(base, args);
        return result instanceof Promise ? result.catch(explain) : result;
      } catch (error) {
        return explain(error);
      }
    };
  }
  return wrapped;
}

/** Each factory of the stage (they all take one options argument) gets the base as its second. */
function injectBase(stage: Record<string, unknown>, functions: readonly string[], base: Record<string, unknown>): Record<string, unknown> {
  const injected: Record<string, unknown> = { ...stage };
  for (const name of functions) {
    const factory = stage[name] as (options: unknown, base: unknown) => unknown;
    injected[name] = (options: unknown) => factory.call(stage, options, base);
  }
  return injected;
}

/** The factory each base stage is used through. */
const BASE_FUNCTIONS: Record<string, readonly string[]> = { '02': ['createStore'], '05': ['openStore'], '06': ['openStore'], '07': ['openStore'] };
