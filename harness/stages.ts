// The catalogue of stages: ids, folders, titles, and which ones are written yet.
// Every command (test, check, grade, mutants) finds stages through this list.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StageInfo {
  /** Two digits: '01' … '10'. */
  id: string;
  slug: string;
  title: string;
  /** 'ready': spec, starter, suite and reference exist. 'planned': not written yet. */
  status: 'ready' | 'planned';
  /** From stage 05 on the reference has two engines, and its suites run against each. */
  engines?: readonly Engine[];
  /**
   * The earlier stage this one builds on. Its factory is handed the base's `stage` object as
   * its last argument (harness/target.ts): the learner's own by default, the reference's with
   * --base reference — so a learner can start anywhere without importing the reference.
   */
  base?: string;
}


/** The reference's two engines from stage 05 on: KATA_ENGINE, or --engine on the test command. */
export type Engine = 'lsm' | 'btree';
export const ENGINES: readonly Engine[] = ['lsm', 'btree'];

export const STAGES: readonly StageInfo[] = [
  { id: '01', slug: 'repl', title: 'REPL', status: 'ready' },
  { id: '02', slug: 'ordered-map', title: 'in-memory ordered map', status: 'ready' },
  { id: '03', slug: 'persistence', title: 'file persistence (atomic snapshot)', status: 'ready' },
  { id: '04', slug: 'append-log', title: 'append-only log', status: 'ready', base: '02' },
  { id: '05', slug: 'disk-index', title: 'on-disk index: LSM tree or B+tree', status: 'ready', engines: ENGINES },
  { id: '06', slug: 'wal', title: 'write-ahead log with crash injection', status: 'ready', engines: ENGINES, base: '05' },
  { id: '07', slug: 'transactions', title: 'transactions', status: 'ready', engines: ENGINES, base: '06' },
  { id: '08', slug: 'concurrency', title: 'concurrency', status: 'ready', engines: ENGINES, base: '07' },
  { id: '09', slug: 'query-engine', title: 'SQL query engine', status: 'planned' },
  { id: '10', slug: 'csv-etl', title: 'CSV ETL', status: 'planned' },
];

export const READY_STAGES = STAGES.filter((stage) => stage.status === 'ready');

export function stageFolder(stage: StageInfo): string {
  return `${stage.id}-${stage.slug}`;
}

/** Paths relative to the repository root, as a learner would type them. */
export function stagePaths(stage: StageInfo) {
  const folder = stageFolder(stage);
  return {
    spec: `stages/${folder}/README.md`,
    starter: `stages/${folder}/index.ts`,
    tests: `tests/${folder}`,
    reference: `reference/stages/${stage.id}.ts`,
  };
}

/** Accepts '1', '01', 'stage01', '01-repl' or 'repl'; undefined when nothing matches. */
export function findStage(name: string): StageInfo | undefined {
  const text = name.toLowerCase().replace(/^stage-?/, '');
  if (/^\d{1,2}$/.test(text)) return STAGES.find((stage) => stage.id === text.padStart(2, '0'));
  return STAGES.find((stage) => stageFolder(stage) === text || stage.slug === text);
}

export function describeStages(): string {
  return STAGES.map((s) => `  ${s.id}  ${s.title}${s.status === 'ready' ? '' : '  (not written yet)'}`).join('\n');
}
