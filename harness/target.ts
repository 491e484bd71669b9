// Loads the implementation a suite tests: the learner's starter folder (the default), or the
// reference adapter (KATA_TARGET=reference). Tests reach code only through here, so they
// cannot depend on anyone's internals. KATA_REFERENCE_ROOT points the reference at another
// copy of reference/, which is how the mutant runner tests patched engines.
//
// Both are read once, when this module loads, before any code under test does: learner code
// that sets process.env.KATA_TARGET=reference afterwards changes nothing. (A stage that builds
// on an earlier one will get its base chosen here as well: the learner's or the reference's.)

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, findStage, stagePaths } from './stages.ts';

export type TargetKind = 'learner' | 'reference';

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
});

export function targetKind(): TargetKind {
  return SETTINGS.target;
}

/** The file a stage's tests load, relative to the repository root when it lies inside it. */
export function targetFile(stageId: string, kind: TargetKind = targetKind()): string {
  const stage = findStage(stageId);
  if (stage === undefined) throw new Error(`unknown stage ${stageId}`);
  if (kind === 'learner') return path.join(ROOT, stagePaths(stage).starter);
  return path.join(SETTINGS.referenceRoot, 'stages', `${stage.id}.ts`);
}

const cache = new Map<string, Promise<unknown>>();

/**
 * The `stage` object a stage's module exports, checked for the functions its contract names.
 * A missing export is reported as a learner can act on it, not as "undefined is not a function".
 */
export function loadStage<T>(stageId: string, functions: readonly string[]): Promise<T> {
  const file = targetFile(stageId);
  let loading = cache.get(file);
  if (loading === undefined) {
    loading = import(pathToFileURL(file).href).then((module: { stage?: Record<string, unknown> }) => {
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
    });
    cache.set(file, loading);
  }
  return loading as Promise<T>;
}
