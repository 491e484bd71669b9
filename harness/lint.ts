// The project's own lint: rules that keep the course honest, which a generic linter does not
// know. Tests may see only contracts; learner code imports only stages/ (the rule the grade
// enforces, grade/imports.ts); the reference stands alone; every file says what it is for;
// every test id is unique and belongs to its stage; every ready stage has all its parts; the
// reference's layers point down and each type is defined once (lint-layers.ts). In a learner's
// starter repository, which has no reference/, the reference's parts are not asked for.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describeRefusal, stageRefusals } from './grade/imports.ts';
import { lintDocs } from './lint-docs.ts';
import { duplicateTypes, layerProblem } from './lint-layers.ts';
import { READY_STAGES, ROOT, stageFolder, stagePaths } from './stages.ts';
import { ANY_TEST_CALL, TEST_ID_CALL } from './test-ids.ts';

export interface Problem {
  file: string;
  line: number;
  rule: string;
  message: string;
}

const MAX_LINES = 400;

/**
 * Why tests build no Mismatch by hand: every stage's failures must read alike. No exception,
 * setup and helper files included: a shape the helpers lack is `failure(doing, detail)`.
 */
const HAND_BUILT =
  'a failure built by hand: use harness/assert.ts so every stage reads alike — mismatch(doing, expected, received) or ' +
  'expectThat for expected/received, expectSame for values, expectContents for a content difference, expectRejects or ' +
  'expectErrorCode for a must-reject, expectResolves for a must-resolve, failure(doing, detail) for a one-off shape ' +
  '(in setup and helper files too: there is no exception)';

function walk(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

export function lint(): Problem[] {
  const problems: Problem[] = [];
  const files = ['stages', 'reference', 'harness', 'tests'].flatMap(walk);
  const ids = new Map<string, string>();
  for (const file of files) {
    const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    const report = (line: number, rule: string, message: string) => problems.push({ file, line, rule, message });
    if (!/^\s*(\/\/|\/\*)/.test(lines[0] ?? '')) report(1, 'header', 'open the file with a comment saying what it is for');
    if (lines.length > MAX_LINES && !file.startsWith('tests/')) {
      report(1, 'size', `${lines.length} lines; split it (at most ${MAX_LINES}) so each file holds one idea`);
    }
    const source = lines.join('\n');
    // TypeScript's own pre-parser finds every import, re-export and dynamic import(), in any quoting.
    const { importedFiles } = ts.preProcessFile(source, true, true);
    for (const imported of importedFiles) {
      const spec = imported.fileName;
      if (!spec.startsWith('.')) continue;
      const line = source.slice(0, imported.pos).split('\n').length;
      const resolved = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec));
      const statement = lines[line - 1] ?? '';
      if (file.startsWith('tests/')) {
        if (resolved.startsWith('reference/')) report(line, 'contract-only', 'tests must not import the reference; load the target through harness/kata.ts');
        if (resolved.startsWith('stages/') && !resolved.endsWith('/contract.ts') && resolved !== 'stages/file-system.ts') {
          report(line, 'contract-only', "tests may import a stage's contract.ts only; load the target through harness/kata.ts");
        }
      }
      if (file.startsWith('reference/')) {
        if (resolved.startsWith('harness/') || resolved.startsWith('tests/')) report(line, 'standalone', 'the reference must not depend on the harness or the tests');
        const given = resolved === 'stages/file-system.ts'; // course-provided code, not a learner's
        const typeOnly = /^\s*(import|export)\s+type\b/.test(statement);
        if (resolved.startsWith('stages/') && !typeOnly && !given) {
          report(line, 'standalone', 'the reference may import contract types only (import type), and stages/file-system.ts');
        }
        const layers = layerProblem(file, resolved);
        if (layers !== undefined) report(line, 'layers', layers);
      }
    }
    if (file.startsWith('tests/')) {
      lines.forEach((text, i) => {
        if (/\b(test|it|describe|rule|property)\.(only|skip)\(/.test(text)) report(i + 1, 'no-focus', '.only/.skip would silently shrink the suite');
        if (/\bnew Mismatch\(/.test(text)) report(i + 1, 'assert-shape', HAND_BUILT);
      });
      const stage = file.split('/')[1]!.slice(0, 2);
      const calls = [...source.matchAll(ANY_TEST_CALL)].length;
      const withIds = [...source.matchAll(TEST_ID_CALL)];
      if (calls !== withIds.length) report(1, 'test-id', `${calls - withIds.length} rule()/property() call(s) without a literal id such as '${stage}-E01' as first argument`);
      for (const match of withIds) {
        const id = match[1]!;
        const line = source.slice(0, match.index).split('\n').length;
        if (!id.startsWith(`${stage}-`)) report(line, 'test-id', `test id ${id} belongs to stage ${id.slice(0, 2)}, not ${stage}`);
        const seen = ids.get(id);
        if (seen !== undefined) report(line, 'test-id', `test id ${id} is already used at ${seen}`);
        ids.set(id, `${file}:${line}`);
      }
    }
  }
  const hasReference = existsSync(path.join(ROOT, 'reference'));
  for (const stage of READY_STAGES) {
    const paths = stagePaths(stage);
    for (const refusal of stageRefusals(stage)) {
      problems.push({ file: refusal.file, line: refusal.line, rule: 'learner-imports', message: describeRefusal(refusal).replace(/^[^ ]+ /, '') });
    }
    const needed = [paths.spec, `stages/${stageFolder(stage)}/contract.ts`, paths.starter, ...(hasReference ? [paths.reference] : []), `docs/${stageFolder(stage)}.md`];
    for (const file of needed) {
      if (!existsSync(path.join(ROOT, file))) problems.push({ file, line: 0, rule: 'stage-parts', message: `stage ${stage.id} is marked ready but this file is missing` });
    }
    if (walk(paths.tests).length === 0) problems.push({ file: paths.tests, line: 0, rule: 'stage-parts', message: `stage ${stage.id} has no tests` });
    problems.push(...missingSections(paths.spec, walk(paths.tests)));
  }
  const sources = (list: string[]) => list.map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
  const contracts = sources(files.filter((file) => /^stages\/([^/]+\/contract|file-system)\.ts$/.test(file)));
  for (const { file, line, message } of duplicateTypes(contracts, sources(files.filter((file) => file.startsWith('reference/'))))) {
    problems.push({ file, line, rule: 'one-definition', message });
  }
  problems.push(...lintDocs());
  return problems;
}

/** A test call with its id, its title (any quotes, template literals included) and its cited section. */
const TEST_CALL = /(?<![.\w])(?:rule|property)\(\s*'(\d\d-[A-Z]\d\d)',\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`),\s*'([^']+)'/g;

/** A numbered rule's own heading, e.g. "### Rule 4: Conflicts": tests cite it, not the section holding the rules. */
const RULE_HEADING = /^Rule \d+: \S/;

/**
 * The headings of a spec, and those that only hold numbered rules: a heading with "Rule N: …"
 * subsections may not be cited, so that each test names the one rule it checks.
 */
function specHeadings(text: string): { headings: Set<string>; umbrellas: Map<string, string> } {
  const lines = text.split('\n').filter((line) => /^#+\s/.test(line)).map((line) => ({ level: /^#+/.exec(line)![0].length, title: line.replace(/^#+\s*/, '').trim() }));
  const umbrellas = new Map<string, string>();
  lines.forEach(({ level, title }, i) => {
    const next = lines[i + 1];
    if (next !== undefined && next.level > level && RULE_HEADING.test(next.title)) umbrellas.set(title, next.title);
  });
  return { headings: new Set(lines.map((line) => line.title)), umbrellas };
}

/** Every spec section a test cites must be a heading of the stage's README, and not one that only holds numbered rules. */
function missingSections(spec: string, testFiles: string[]): Problem[] {
  const specPath = path.join(ROOT, spec);
  if (!existsSync(specPath)) return [];
  const { headings, umbrellas } = specHeadings(readFileSync(specPath, 'utf8'));
  const problems: Problem[] = [];
  for (const file of testFiles) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const readable = [...text.matchAll(TEST_CALL)].length;
    const calls = [...text.matchAll(ANY_TEST_CALL)].length;
    if (readable !== calls) {
      problems.push({ file, line: 1, rule: 'spec-section', message: `${calls - readable} test call(s) whose id, title and section are not literals: write them out so the cited section can be checked` });
    }
    for (const match of text.matchAll(TEST_CALL)) {
      const section = match[2]!;
      const line = text.slice(0, match.index).split('\n').length;
      if (!headings.has(section)) {
        problems.push({ file, line, rule: 'spec-section', message: `test ${match[1]} cites section "${section}", which ${spec} does not have` });
      } else if (umbrellas.has(section)) {
        problems.push({ file, line, rule: 'spec-section', message: `test ${match[1]} cites "${section}", which only holds numbered rules: cite the one rule it checks, e.g. "${umbrellas.get(section)}"` });
      }
    }
  }
  return problems;
}
