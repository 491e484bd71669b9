// A pristine copy of the course to grade in: the course's own files (harness/, tests/, the
// stages' specs, contracts and shared files, the configs), node_modules linked, and over
// them only the learner's files from each stages/NN-slug/ folder of the submission — never a
// contract.ts or a README.md, never a symbolic link. Whatever else a submission holds (an
// edited harness, a test, a config) is not read. reference/ is copied only when asked for
// (grading the reference itself): learner code cannot reach what is not there.

import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, STAGES, stageFolder } from '../stages.ts';

export interface TreeOptions {
  /** A learner's repository (with stages/) or a folder of NN-slug folders (a Gradescope upload). */
  submission: string;
  /** Copy reference/ too: only to grade the reference. */
  withReference?: boolean;
  /** The course to copy: this repository by default. */
  course?: string;
}

export interface Tree {
  root: string;
  /** The learner's files that were copied, relative to root. */
  copied: string[];
  remove(): void;
}

/** Course files and folders a grade needs; nothing the learner could have changed is among them. */
const COURSE_PARTS = ['harness', 'tests', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'datasets'];
/** The files of a stage folder that are the course's, whatever the submission holds. */
const COURSE_STAGE_FILES = new Set(['contract.ts', 'README.md']);

export function buildTree(options: TreeOptions): Tree {
  const course = options.course ?? ROOT;
  const root = mkdtempSync(path.join(tmpdir(), 'kata-grade-'));
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    for (const part of [...COURSE_PARTS, ...(options.withReference ? ['reference'] : [])]) {
      if (existsSync(path.join(course, part))) cpSync(path.join(course, part), path.join(root, part), { recursive: true, verbatimSymlinks: true });
    }
    symlinkSync(path.join(course, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    // stages/: the course's shared files and every stage folder as the course ships it (the starters).
    cpSync(path.join(course, 'stages'), path.join(root, 'stages'), { recursive: true });
    const from = submissionStages(options.submission);
    const copied: string[] = [];
    for (const stage of STAGES) {
      const folder = path.join(from, stageFolder(stage));
      if (!existsSync(folder) || !lstatSync(folder).isDirectory()) continue;
      copyLearnerFiles(folder, path.join(root, 'stages', stageFolder(stage)), true, (file) => copied.push(path.relative(root, file)));
    }
    return { root, copied: copied.sort(), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** The folder holding the NN-slug folders: <submission>/stages when there is one. */
export function submissionStages(submission: string): string {
  const nested = path.join(submission, 'stages');
  return existsSync(nested) && lstatSync(nested).isDirectory() ? nested : submission;
}

function copyLearnerFiles(from: string, to: string, top: boolean, onCopy: (file: string) => void): void {
  for (const name of readdirSync(from).sort()) {
    const source = path.join(from, name);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink() || name === 'node_modules' || name.startsWith('.')) continue;
    if (top && COURSE_STAGE_FILES.has(name)) continue;
    const target = path.join(to, name);
    if (stat.isDirectory()) {
      copyLearnerFiles(source, target, false, onCopy);
    } else if (stat.isFile()) {
      mkdirSync(to, { recursive: true });
      cpSync(source, target);
      onCopy(target);
    }
  }
}
