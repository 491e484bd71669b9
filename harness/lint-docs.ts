// The lint's rules for the course's prose: chapters (docs/*.md), specs (stages/*/README.md) and
// the reference's map (reference/README.md).
// No page names a path outside the repository (a scratch script in a temporary folder, a home
// directory): a reader cannot follow it. Every relative link points at a file that exists, so
// the links work on a forge. Every chapter links its spec and its tests, every spec its chapter.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from './lint.ts';
import { READY_STAGES, ROOT, stageFolder, stagePaths } from './stages.ts';

export interface Page {
  /** Relative to the repository root, with forward slashes: docs/06-wal.md. */
  file: string;
  text: string;
}

/**
 * The roots of the simulated disk's paths, which the chapters and specs quote from test output
 * (`/db/snapshot.db.tmp`, `/srv/kata/db`): they name no folder of the reader's machine.
 */
export const SIMULATED_ROOTS: readonly string[] = ['db', 'srv'];

/** An absolute path (its first segment captured), `~/…`, or a Windows drive path, where a path starts (not in a URL, not after `<dir>`). */
const ABSOLUTE = /(?<=^|[\s`'"(=[])(?:\/([A-Za-z_.][\w.-]*)(?:\/[\w.$@%+-]*)*|~\/[\w.$-]+(?:\/[\w.$@%+-]*)*|[A-Za-z]:\\[\w.\\-]+)/g;

/** A markdown link's target: [text](target) or [text](target "title"). */
const LINK = /\[(?:[^\]\n]|\][^(])*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Paths outside the repository: a chapter or spec must not name one. */
export function outsidePaths(page: Page): Problem[] {
  const problems: Problem[] = [];
  for (const match of page.text.matchAll(ABSOLUTE)) {
    const root = match[1];
    if (root !== undefined && SIMULATED_ROOTS.includes(root)) continue;
    const what = /^\/(tmp|var\/tmp|private\/tmp)\b/.test(match[0]) ? 'a temporary folder' : 'an absolute path';
    problems.push({
      file: page.file,
      line: lineOf(page.text, match.index),
      rule: 'outside-path',
      message: `${match[0]} is ${what} outside the repository: name a file in the repository (a figure's script goes in bench/figures), or a path relative to it`,
    });
  }
  return problems;
}

/** The relative link targets of a page, resolved against its folder: [line, target, resolved path]. */
export function relativeLinks(page: Page): { line: number; target: string; resolved: string }[] {
  const links = [];
  for (const match of page.text.matchAll(LINK)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) continue;
    const file = decodeURI(target.split('#')[0]!);
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(page.file), file)).replace(/\/$/, '');
    links.push({ line: lineOf(page.text, match.index), target, resolved });
  }
  return links;
}

/** Every relative link must point at a file or folder that exists (`exists` takes a path relative to the root). */
export function brokenLinks(page: Page, exists: (file: string) => boolean): Problem[] {
  return relativeLinks(page)
    .filter(({ resolved }) => resolved.startsWith('..') || !exists(resolved))
    .map(({ line, target, resolved }) => ({ file: page.file, line, rule: 'link', message: `link ${target} points at ${resolved}, which is not in the repository` }));
}

/** `page` must link to each of `wanted` (paths relative to the root; a folder matches with or without its slash). */
export function missingLinks(page: Page, wanted: readonly { file: string; what: string }[]): Problem[] {
  const targets = new Set(relativeLinks(page).map((link) => link.resolved));
  return wanted
    .filter(({ file }) => !targets.has(file.replace(/\/$/, '')))
    .map(({ file, what }) => ({ file: page.file, line: 1, rule: 'chapter-links', message: `link ${what} (${file}) with a relative link, e.g. [${file}](${path.posix.relative(path.posix.dirname(page.file), file)})` }));
}

function read(file: string): Page | undefined {
  const abs = path.join(ROOT, file);
  return existsSync(abs) ? { file, text: readFileSync(abs, 'utf8') } : undefined;
}

/** The lint's docs rules over the repository's chapters and specs. */
export function lintDocs(): Problem[] {
  const files = [
    ...readdirSync(path.join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`),
    ...readdirSync(path.join(ROOT, 'stages')).map((name) => `stages/${name}/README.md`),
    'reference/README.md', // the map of the reference's layers (absent from a learner's starter)
  ];
  const pages = files.map(read).filter((page): page is Page => page !== undefined);
  // A learner's starter repository ships without reference/ (docs/instructors.md): links into it
  // are checked where it is there, the course's own repository.
  const hasReference = existsSync(path.join(ROOT, 'reference'));
  const exists = (file: string) => existsSync(path.join(ROOT, file)) || (!hasReference && file.split(/[\\/]/)[0] === 'reference');
  const problems = pages.flatMap((page) => [...outsidePaths(page), ...brokenLinks(page, exists)]);
  for (const stage of READY_STAGES) {
    const paths = stagePaths(stage);
    const chapter = read(`docs/${stageFolder(stage)}.md`);
    const spec = read(paths.spec);
    if (chapter !== undefined) problems.push(...missingLinks(chapter, [{ file: paths.spec, what: 'its spec' }, { file: paths.tests, what: 'its tests' }]));
    if (spec !== undefined && chapter !== undefined) problems.push(...missingLinks(spec, [{ file: chapter.file, what: 'its chapter' }]));
  }
  return problems;
}
