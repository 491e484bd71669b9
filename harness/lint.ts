// The project's own lint: rules that keep the course honest, which a generic linter does not
// know. Tests may see only contracts; the reference stands alone; every file says what it is
// for; every test id is unique and belongs to its stage; every ready stage has all its parts.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { READY_STAGES, ROOT, stageFolder, stagePaths } from './stages.ts';

export interface Problem {
  file: string;
  line: number;
  rule: string;
  message: string;
}

const MAX_LINES = 400;

function walk(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(ROOT, rel)).isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/;

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
    lines.forEach((text, i) => {
      const match = IMPORT.exec(text);
      const spec = match?.[3] ?? match?.[4];
      if (spec !== undefined) {
        const typeOnly = match?.[2] !== undefined;
        const resolved = path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), spec));
        if (file.startsWith('tests/') && spec.startsWith('.')) {
          if (resolved.startsWith('reference/')) report(i + 1, 'contract-only', 'tests must not import the reference; load the target through harness/kata.ts');
          if (resolved.startsWith('stages/') && !resolved.endsWith('/contract.ts')) {
            report(i + 1, 'contract-only', 'tests may import a stage\'s contract.ts only; load the target through harness/kata.ts');
          }
        }
        if (file.startsWith('reference/') && spec.startsWith('.')) {
          if (resolved.startsWith('harness/') || resolved.startsWith('tests/')) report(i + 1, 'standalone', 'the reference must not depend on the harness or the tests');
          const given = resolved === 'stages/file-system.ts'; // course-provided code, not a learner's
          if (resolved.startsWith('stages/') && !typeOnly && !given) report(i + 1, 'standalone', 'the reference may import contract types only (import type), and stages/file-system.ts');
        }
      }
      if (file.startsWith('tests/') && /\b(test|it|describe|rule|property)\.(only|skip)\(/.test(text)) {
        report(i + 1, 'no-focus', '.only/.skip would silently shrink the suite');
      }
      const id = /^\s*(?:rule|property)\(\s*'([^']+)'/.exec(text)?.[1] ?? /^\s*'(\d\d-[A-Z]\d\d)',\s*$/.exec(text)?.[1];
      if (id !== undefined && file.startsWith('tests/')) {
        const stage = file.split('/')[1]!.slice(0, 2);
        if (!new RegExp(`^${stage}-[A-Z]\\d\\d$`).test(id)) report(i + 1, 'test-id', `test id ${id} must look like ${stage}-X00 (its stage, a letter, two digits)`);
        const seen = ids.get(id);
        if (seen !== undefined) report(i + 1, 'test-id', `test id ${id} is already used at ${seen}`);
        ids.set(id, `${file}:${i + 1}`);
      }
    });
  }
  for (const stage of READY_STAGES) {
    const paths = stagePaths(stage);
    const needed = [paths.spec, `stages/${stageFolder(stage)}/contract.ts`, paths.starter, paths.reference, `docs/${stageFolder(stage)}.md`];
    for (const file of needed) {
      if (!existsSync(path.join(ROOT, file))) problems.push({ file, line: 0, rule: 'stage-parts', message: `stage ${stage.id} is marked ready but this file is missing` });
    }
    if (walk(paths.tests).length === 0) problems.push({ file: paths.tests, line: 0, rule: 'stage-parts', message: `stage ${stage.id} has no tests` });
    problems.push(...missingSections(paths.spec, walk(paths.tests)));
  }
  return problems;
}

const TEST_CALL = /(?:rule|property)\(\s*'(\d\d-[A-Z]\d\d)',\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"),\s*'([^']+)'/g;

/** Every spec section a test cites must be a heading of the stage's README. */
function missingSections(spec: string, testFiles: string[]): Problem[] {
  const specPath = path.join(ROOT, spec);
  if (!existsSync(specPath)) return [];
  const headings = new Set(
    readFileSync(specPath, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => line.replace(/^#+\s*/, '').trim()),
  );
  const problems: Problem[] = [];
  for (const file of testFiles) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(TEST_CALL)) {
      const section = match[2]!;
      if (!headings.has(section)) {
        const line = text.slice(0, match.index).split('\n').length;
        problems.push({ file, line, rule: 'spec-section', message: `test ${match[1]} cites section "${section}", which ${spec} does not have` });
      }
    }
  }
  return problems;
}
