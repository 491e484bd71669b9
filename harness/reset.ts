// `npm run reset -- NN`: puts a stage's starter back (stages/NN-slug/index.ts as the course
// ships it, from harness/starters/), after saying what it will overwrite and which of the
// learner's own files beside it stay, and after a yes (or --yes). The overwritten file is kept
// in .kata/backups/, so a reset is never the end of someone's work.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT, type StageInfo, stageFolder } from './stages.ts';

/** The files of a stage folder that are the course's, not the learner's. */
const COURSE_FILES = new Set(['README.md', 'contract.ts', 'index.ts']);

export interface ResetPlan {
  stage: StageInfo;
  /** Relative to the root: the learner's file, and its pristine copy. */
  starter: string;
  pristine: string;
  /** The starter is already as shipped: nothing to do. */
  unchanged: boolean;
  /** The learner's own files beside the starter, which the reset leaves alone. */
  extras: string[];
}

export function planReset(stage: StageInfo, root = ROOT): ResetPlan {
  const folder = stageFolder(stage);
  const starter = `stages/${folder}/index.ts`;
  const pristine = `harness/starters/${folder}/index.ts`;
  if (!existsSync(path.join(root, pristine))) throw new Error(`there is no pristine starter for stage ${stage.id} (${pristine} is missing)`);
  const current = existsSync(path.join(root, starter)) ? readFileSync(path.join(root, starter), 'utf8') : undefined;
  const extras = readdirSync(path.join(root, 'stages', folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => !COURSE_FILES.has(name) && statSync(path.join(root, 'stages', folder, name)).isFile())
    .map((name) => `stages/${folder}/${name}`)
    .sort();
  return { stage, starter, pristine, unchanged: current === readFileSync(path.join(root, pristine), 'utf8'), extras };
}

/** What the reset will do, said before it does it. */
export function describePlan(plan: ResetPlan, root = ROOT): string[] {
  if (plan.unchanged) return [`${plan.starter} is already the starter as the course ships it: nothing to reset.`];
  const exists = existsSync(path.join(root, plan.starter));
  const lines = [
    exists
      ? `This overwrites ${plan.starter} (${countLines(path.join(root, plan.starter))} lines, your work) with the stage ${plan.stage.id} starter from ${plan.pristine}.`
      : `This puts back ${plan.starter} (it is missing) from ${plan.pristine}.`,
  ];
  if (exists) lines.push(`Your version is kept in .kata/backups/ first.`);
  lines.push(
    plan.extras.length === 0
      ? 'There are no other files of yours beside it.'
      : `Left alone (your files beside it; delete them yourself if you want a clean start): ${plan.extras.join(', ')}`,
  );
  return lines;
}

/** Backs up the learner's file (when there is one) and copies the starter over it; returns the backup's path. */
export function applyReset(plan: ResetPlan, root = ROOT, now = new Date()): string | undefined {
  const target = path.join(root, plan.starter);
  let backup: string | undefined;
  if (existsSync(target)) {
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    backup = `.kata/backups/${stageFolder(plan.stage)}-index.${stamp}.ts`;
    mkdirSync(path.join(root, '.kata/backups'), { recursive: true });
    copyFileSync(target, path.join(root, backup));
  }
  copyFileSync(path.join(root, plan.pristine), target);
  return backup;
}

function countLines(file: string): number {
  return readFileSync(file, 'utf8').split('\n').length;
}
