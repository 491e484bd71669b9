// Unit tests of the mutant catalogue: every patch points at text that occurs exactly once in
// the reference, so a refactor of the reference cannot silently disarm a mutant.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { MUTANTS } from '../mutants/catalogue.ts';
import { ROOT, findStage } from '../stages.ts';

test.each(MUTANTS.map((m) => [m.id, m] as const))('mutant %s applies to the reference exactly once', (_, mutant) => {
  const source = readFileSync(path.join(ROOT, 'reference', mutant.file), 'utf8');
  expect(source.split(mutant.find).length - 1).toBe(1);
  expect(findStage(mutant.stage)).toBeDefined();
});

test('mutant ids are unique', () => {
  expect(new Set(MUTANTS.map((m) => m.id)).size).toBe(MUTANTS.length);
});
