// Tests of `npm run reset` (harness/reset.ts) on a throw-away copy of a stage folder: it says
// what it overwrites and what it leaves, keeps a backup, restores the shipped starter byte for
// byte, and every starter in stages/ has its pristine copy in harness/starters/.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { applyReset, describePlan, planReset } from '../reset.ts';
import { findStage, READY_STAGES, ROOT, stageFolder } from '../stages.ts';

const STAGE = findStage('03')!;
const PRISTINE = '// the starter\nexport const stage = {};\n';
let root: string;

function tree(index: string | undefined, extras: Record<string, string> = {}): string {
  root = mkdtempSync(path.join(tmpdir(), 'kata-reset-'));
  const folder = stageFolder(STAGE);
  mkdirSync(path.join(root, 'stages', folder, 'lib'), { recursive: true });
  mkdirSync(path.join(root, 'harness', 'starters', folder), { recursive: true });
  writeFileSync(path.join(root, 'harness', 'starters', folder, 'index.ts'), PRISTINE);
  for (const name of ['README.md', 'contract.ts']) writeFileSync(path.join(root, 'stages', folder, name), name);
  if (index !== undefined) writeFileSync(path.join(root, 'stages', folder, 'index.ts'), index);
  for (const [name, text] of Object.entries(extras)) writeFileSync(path.join(root, 'stages', folder, name), text);
  return root;
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('npm run reset', () => {
  test('says what it overwrites and which files of yours it leaves, then restores the starter and keeps a backup', () => {
    tree('// my store\nexport const stage = { mine: true };\n', { 'helpers.ts': 'x', 'lib/codec.ts': 'y' });
    const plan = planReset(STAGE, root);
    const said = describePlan(plan, root).join('\n');
    expect(said).toContain('overwrites stages/03-persistence/index.ts');
    expect(said).toContain('stages/03-persistence/helpers.ts, stages/03-persistence/lib/codec.ts');
    expect(said, 'the course files are not listed as the learner\'s').not.toMatch(/README\.md|contract\.ts/);
    const backup = applyReset(plan, root, new Date('2024-01-02T03:04:05Z'));
    expect(readFileSync(path.join(root, plan.starter), 'utf8')).toBe(PRISTINE);
    expect(readFileSync(path.join(root, backup!), 'utf8')).toContain('mine: true');
    expect(readFileSync(path.join(root, 'stages/03-persistence/helpers.ts'), 'utf8'), 'an extra file is left alone').toBe('x');
  });

  test('an untouched starter needs no reset; a deleted one is put back', () => {
    tree(PRISTINE);
    expect(planReset(STAGE, root).unchanged).toBe(true);
    rmSync(root, { recursive: true });
    tree(undefined);
    const plan = planReset(STAGE, root);
    expect(describePlan(plan, root)[0]).toContain('puts back');
    expect(applyReset(plan, root), 'nothing to back up').toBeUndefined();
    expect(existsSync(path.join(root, plan.starter))).toBe(true);
  });

  test('every ready stage has its pristine starter in harness/starters/', () => {
    root = mkdtempSync(path.join(tmpdir(), 'kata-reset-')); // for afterEach
    for (const stage of READY_STAGES) {
      expect(existsSync(path.join(ROOT, 'harness/starters', stageFolder(stage), 'index.ts')), `harness/starters/${stageFolder(stage)}/index.ts`).toBe(true);
    }
  });
});
