// Held-out tests (--extra-tests) are checked against the public suite's rules before they are
// added to a grading tree: contract-only imports, literal ids of their own stage, no id the
// public suite already uses. No test runs here.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { UsageError } from '../cli/args.ts';
import { addExtraTests } from '../grade/extra-tests.ts';
import { buildTree, type Tree } from '../grade/tree.ts';
import { ROOT } from '../stages.ts';

let held: string;
let tree: Tree;
beforeEach(() => {
  held = mkdtempSync(path.join(tmpdir(), 'kata-held-'));
  mkdirSync(path.join(held, '02-ordered-map'));
  tree = buildTree({ submission: path.join(ROOT, 'stages') });
});
afterEach(() => {
  rmSync(held, { recursive: true, force: true });
  tree.remove();
});

const write = (name: string, text: string) => writeFileSync(path.join(held, '02-ordered-map', name), text);

test('a held-out test that follows the rules is added beside the public suite, and its ids returned', () => {
  write('held.test.ts', "// held-out\nimport { rule } from './setup.ts';\nrule('02-H01', 'x', 'Order', () => {});\n");
  expect([...addExtraTests(held, tree.root)]).toEqual(['02-H01']);
  expect(existsSync(path.join(tree.root, 'tests/02-ordered-map/held.test.ts'))).toBe(true);
});

test('an import of the reference, a public id and an id of another stage are refused, each named', () => {
  write('bad.test.ts', [
    "import { stage } from '../../reference/stages/02.ts';",
    "import { rule } from './setup.ts';",
    "rule('02-E01', 'x', 'Order', () => {});",
    "rule('03-H01', 'y', 'Order', () => {});",
  ].join('\n'));
  let error: unknown;
  try {
    addExtraTests(held, tree.root);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(UsageError);
  const message = (error as Error).message;
  expect(message).toContain('bad.test.ts:1: imports "../../reference/stages/02.ts"');
  expect(message).toContain('test id 02-E01 is already used');
  expect(message).toContain('test id 03-H01 does not belong to stage 02');
  expect(existsSync(path.join(tree.root, 'tests/02-ordered-map/bad.test.ts')), 'a refused file is not added').toBe(false);
});
