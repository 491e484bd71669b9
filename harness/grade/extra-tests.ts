// An instructor's held-out tests (`npm run grade -- --extra-tests DIR`): DIR holds NN-slug/
// folders laid out like tests/, whose files are added to the pristine tree's tests/NN-slug/
// beside the public ones. They follow the public suite's rules, checked before they run:
// imports of the contract and the harness only (never the reference, nor a learner's code),
// a literal id of their stage on every rule() and property(), no id the public suite uses.

import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../cli/args.ts';
import { STAGES, stageFolder } from '../stages.ts';
import { ANY_TEST_CALL, TEST_ID_CALL } from '../test-ids.ts';
import { importsOf } from './imports.ts';

/** Copies DIR's tests into the tree at `root`; returns the ids they declare. Throws UsageError on a broken rule. */
export function addExtraTests(dir: string, root: string): Set<string> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--extra-tests: ${dir} is not a folder`);
  const nested = path.join(dir, 'tests');
  const from = existsSync(nested) ? nested : dir;
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const name of readdirSync(from).sort()) {
    const stage = STAGES.find((s) => stageFolder(s) === name);
    if (stage === undefined) {
      problems.push(`${name}: not a stage folder (expected one of ${STAGES.map(stageFolder).join(', ')})`);
      continue;
    }
    const target = path.join(root, 'tests', name);
    const publicIds = new Set(readdirSync(target).flatMap((file) => [...readFileSync(path.join(target, file), 'utf8').matchAll(TEST_ID_CALL)].map((m) => m[1]!)));
    for (const file of readdirSync(path.join(from, name)).sort()) {
      const source = path.join(from, name, file);
      const shown = path.join(path.basename(from), name, file);
      if (existsSync(path.join(target, file))) problems.push(`${shown}: the public suite has a file of that name; rename it`);
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(source, 'utf8');
      for (const { specifier, line } of importsOf(text)) {
        const resolved = path.relative(root, path.resolve(target, specifier));
        const allowed = !specifier.startsWith('.') || resolved.startsWith('harness/') || resolved.startsWith(`tests/${name}/`) ||
          resolved.endsWith('/contract.ts') || resolved === 'stages/file-system.ts';
        if (!allowed) problems.push(`${shown}:${line}: imports "${specifier}": held-out tests, like the public ones, see only contracts and the harness`);
      }
      if (!file.endsWith('.test.ts')) continue;
      const calls = [...text.matchAll(ANY_TEST_CALL)].length;
      const declared = [...text.matchAll(TEST_ID_CALL)].map((m) => m[1]!);
      if (calls !== declared.length) problems.push(`${shown}: ${calls - declared.length} rule()/property() call(s) without a literal id`);
      for (const id of declared) {
        if (!id.startsWith(`${stage.id}-`)) problems.push(`${shown}: test id ${id} does not belong to stage ${stage.id}`);
        if (publicIds.has(id) || ids.has(id)) problems.push(`${shown}: test id ${id} is already used`);
        ids.add(id);
      }
    }
    if (problems.length === 0) cpSync(path.join(from, name), target, { recursive: true });
  }
  if (problems.length > 0) throw new UsageError(`--extra-tests ${dir} breaks the suite's rules:\n  ${problems.join('\n  ')}`);
  return ids;
}
