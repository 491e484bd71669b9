// Builds each mutant (a patched copy of reference/ under .kata/mutants/) and runs its stage's
// suite against it. A mutant is killed when at least one test fails; the tests that failed
// are the ones that caught it. First, for each stage, an unpatched copy must pass: otherwise
// a failure caused by the copying itself would "kill" every mutant.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSuites } from '../runner/run-suites.ts';
import { ROOT, findStage } from '../stages.ts';
import { MUTANTS, type Mutant } from './catalogue.ts';

export interface MutantOutcome {
  mutant: Mutant;
  killed: boolean;
  /** Ids of the tests that failed on the mutant. */
  killedBy: string[];
  /** Set when the mutant could not be built or its suite could not load it. */
  problem?: string;
}

/** Copies reference/ and applies the patch (none for a control copy); returns the copy's reference root. */
export function buildMutant(mutant: Mutant | { id: string; file?: undefined }): string {
  const dir = path.join(ROOT, '.kata', 'mutants', mutant.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(ROOT, 'reference'), path.join(dir, 'reference'), { recursive: true });
  // The adapters import their contract from ../../stages; keep that path working.
  symlinkSync(path.join(ROOT, 'stages'), path.join(dir, 'stages'), 'dir');
  if (mutant.file === undefined) return path.join(dir, 'reference');
  const file = path.join(dir, 'reference', mutant.file);
  if (!existsSync(file)) throw new Error(`mutant ${mutant.id}: reference/${mutant.file} does not exist`);
  const source = readFileSync(file, 'utf8');
  const count = source.split(mutant.find).length - 1;
  if (count !== 1) {
    throw new Error(
      `mutant ${mutant.id} no longer applies: its text occurs ${count} times in reference/${mutant.file} (must be once); update harness/mutants/catalogue.ts`,
    );
  }
  writeFileSync(file, source.replace(mutant.find, () => mutant.replace));
  return path.join(dir, 'reference');
}

export async function runMutant(mutant: Mutant, seed: number): Promise<MutantOutcome> {
  const stage = findStage(mutant.stage);
  if (stage === undefined) return { mutant, killed: false, killedBy: [], problem: `unknown stage ${mutant.stage}` };
  let referenceRoot: string;
  try {
    referenceRoot = buildMutant(mutant);
  } catch (error) {
    return { mutant, killed: false, killedBy: [], problem: (error as Error).message };
  }
  const [outcome] = await runSuites({ stages: [stage], target: 'reference', seed, referenceRoot, showConsole: false, ...(mutant.engine ? { engine: mutant.engine } : {}) });
  if (outcome!.loadErrors.length > 0) {
    return { mutant, killed: false, killedBy: [], problem: `the suite could not load it: ${outcome!.loadErrors[0]}` };
  }
  const killedBy = outcome!.tests.filter((t) => t.status === 'failed').map((t) => t.id);
  return { mutant, killed: killedBy.length > 0, killedBy };
}

/** Why an unpatched copy of reference/ fails a stage's suite, or undefined when it passes. */
async function controlProblem(stageId: string, engine: Mutant['engine'], seed: number): Promise<string | undefined> {
  const stage = findStage(stageId)!;
  const referenceRoot = buildMutant({ id: `control-${stageId}${engine ? `-${engine}` : ''}` });
  const [outcome] = await runSuites({ stages: [stage], target: 'reference', seed, referenceRoot, showConsole: false, ...(engine ? { engine } : {}) });
  const failed = outcome!.tests.filter((t) => t.status === 'failed').map((t) => t.id);
  if (failed.length === 0 && outcome!.loadErrors.length === 0 && outcome!.tests.length > 0) return undefined;
  return `an unpatched copy of reference/ already fails stage ${stageId} (${[...failed, ...outcome!.loadErrors].slice(0, 3).join(', ')}), so no kill can be trusted`;
}

/**
 * Runs the mutants of the given stages — by default of every ready stage (a stage still being
 * written runs its mutants only when named) — two at a time on a 2-core machine.
 */
export async function runMutants(seed: number, stageIds?: readonly string[], mutantIds?: readonly string[]): Promise<MutantOutcome[]> {
  const chosen = MUTANTS.filter(
    (m) =>
      (stageIds === undefined ? findStage(m.stage)?.status === 'ready' : stageIds.includes(m.stage)) &&
      (mutantIds === undefined || mutantIds.includes(m.id)),
  );
  const problems = new Map<string, string | undefined>();
  const controlOf = (m: Mutant) => `${m.stage}:${m.engine ?? ''}`;
  for (const m of chosen) {
    if (!problems.has(controlOf(m))) problems.set(controlOf(m), await controlProblem(m.stage, m.engine, seed));
  }
  const results: MutantOutcome[] = new Array(chosen.length);
  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const index = next++;
      const mutant = chosen[index]!;
      const problem = problems.get(controlOf(mutant));
      results[index] = problem === undefined ? await runMutant(mutant, seed) : { mutant, killed: false, killedBy: [], problem };
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

export function mutantTable(outcomes: readonly MutantOutcome[]): string {
  const rows = outcomes.map(({ mutant, killed, killedBy, problem }) => [
    mutant.id,
    mutant.stage,
    killed ? 'killed' : 'SURVIVED',
    problem ?? (killed ? shortList(killedBy) : 'no test failed'),
    mutant.bug,
  ]);
  const header = ['mutant', 'stage', 'result', 'killed by', 'bug'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

function shortList(ids: string[]): string {
  return ids.length <= 3 ? ids.join(' ') : `${ids.slice(0, 3).join(' ')} +${ids.length - 3}`;
}
