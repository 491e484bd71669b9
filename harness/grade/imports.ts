// Which imports learner code may make. A stage's code is everything its entry point
// (stages/NN-slug/index.ts) reaches through relative imports; it may import files under
// stages/ (its own, an earlier stage's, the contracts, the course's stages/file-system.ts)
// and packages, but never the course's other folders (reference/, harness/, tests/, bench/,
// or anything else outside stages/) nor the test framework (vitest, fast-check), which runs in
// the same worker. Any other import, static or dynamic, `require` or `export … from`, refuses
// the stage before a test runs: the runner, the grade and the lint all ask here.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { ROOT, type StageInfo, stagePaths } from '../stages.ts';

export interface Refusal {
  /** The importing file, relative to the tree's root. */
  file: string;
  line: number;
  /** The specifier as written. */
  specifier: string;
  why: string;
}

/** Packages that are the harness's own machinery: loaded in the worker beside learner code. */
const FRAMEWORK = /^(?:vitest|@vitest\/|fast-check|tinyspy|chai)(?:\/|$)/;

/** Every forbidden import reachable from the stage's entry point, in the tree at `root`. */
export function stageRefusals(stage: StageInfo, root = ROOT): Refusal[] {
  const entry = path.join(root, stagePaths(stage).starter);
  const stagesDir = path.join(root, 'stages');
  const refusals: Refusal[] = [];
  const seen = new Set<string>();
  const queue = existsSync(entry) ? [entry] : [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const { text, line } of computedImports(source)) {
      refusals.push({ file: path.relative(root, file), line, specifier: text, why: 'an import whose name is computed cannot be checked; name the file in a string' });
    }
    for (const { specifier, line } of importsOf(source)) {
      const refuse = (why: string) => refusals.push({ file: path.relative(root, file), line, specifier, why });
      const target = resolvePath(file, specifier);
      if (target === undefined) {
        if (FRAMEWORK.test(specifier)) refuse('learner code may not import the test framework, which runs in the same process as the tests');
        continue;
      }
      const inside = path.relative(stagesDir, target);
      if (inside.startsWith('..') || path.isAbsolute(inside)) {
        const top = path.relative(root, target).split(path.sep)[0] ?? '';
        refuse(top.startsWith('..') || top === '' ? 'it points outside the course' : `learner code may import files under stages/ only, not ${top}/`);
        continue;
      }
      const found = [target, `${target}.ts`, target.replace(/\.js$/, '.ts'), path.join(target, 'index.ts')].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
      if (found !== undefined && !found.endsWith('/contract.ts')) queue.push(found);
    }
  }
  return refusals;
}

/** What a refusal says, for a learner: the file and line, the import, why, and what to do. */
export function describeRefusal(refusal: Refusal): string {
  return `${refusal.file}:${refusal.line}: import of "${refusal.specifier}" refused: ${refusal.why}. ` +
    'A stage is graded on its own files; the tests load it through its contract.';
}

/** The absolute path a relative, absolute or file: specifier names; undefined for a package or node: builtin. */
function resolvePath(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('file:')) return fileURLToPath(specifier);
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return path.resolve(path.dirname(from), specifier);
  return undefined;
}

/** Every import, re-export, require() and import() with a literal specifier, and its line. */
export function importsOf(source: string): Array<{ specifier: string; line: number }> {
  // TypeScript's own pre-parser finds them in any quoting, type-only ones included.
  return ts.preProcessFile(source, true, true).importedFiles.map((imported) => ({
    specifier: imported.fileName,
    line: source.slice(0, imported.pos).split('\n').length,
  }));
}

/** import(x) and require(x) calls whose argument is not a string literal. */
function computedImports(source: string): Array<{ text: string; line: number }> {
  if (!/\b(?:import|require)\s*\(/.test(source)) return [];
  const file = ts.createSourceFile('learner.ts', source, ts.ScriptTarget.Latest, true);
  const found: Array<{ text: string; line: number }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
      const argument = node.arguments[0];
      if (loads && (argument === undefined || !ts.isStringLiteralLike(argument))) {
        found.push({ text: node.getText(file).slice(0, 80), line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
