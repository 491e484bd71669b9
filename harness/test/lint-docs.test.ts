// Tests of the lint's docs rules (harness/lint-docs.ts): no chapter or spec names a path outside
// the repository, every relative link resolves, chapters link spec and tests, specs their
// chapter; and the repository's own pages pass.

import { describe, expect, test } from 'vitest';
import { brokenLinks, lintDocs, missingLinks, outsidePaths, type Page } from '../lint-docs.ts';

const page = (text: string, file = 'docs/06-wal.md'): Page => ({ file, text });

describe('outside-path', () => {
  test('names a temporary folder, a home directory and an absolute import', () => {
    const text = [
      '// KATA_ENGINE=lsm npx tsx /tmp/docs06/wal-bench.mts',
      "import { stage } from '/work/main/reference/stages/06.ts';",
      'see ~/notes/run.txt or C:\\Users\\me\\bench',
      'in (/home/you/dbkata)',
    ].join('\n');
    const problems = outsidePaths(page(text));
    expect(problems.map((p) => [p.line, p.message.split(' ')[0]])).toEqual([
      [1, '/tmp/docs06/wal-bench.mts'],
      [2, '/work/main/reference/stages/06.ts'],
      [3, '~/notes/run.txt'],
      [3, 'C:\\Users\\me\\bench'],
      [4, '/home/you/dbkata'],
    ]);
    expect(problems[0]!.message).toContain('a temporary folder');
    expect(problems[1]!.message).toContain('an absolute path');
  });

  test('leaves the simulated disk, URLs, relative paths and placeholders alone', () => {
    const text = [
      'power cut at step 0 (open /db/snapshot.db.tmp); syncs `/`, `/srv` and `/srv/kata`',
      'https://www.sqlite.org/wal.html and <dir>/snapshot.db and reference/wal/segment.ts',
      'roughly (log_{1/p} n)/p comparisons; 4,096 / 116; and/or',
    ].join('\n');
    expect(outsidePaths(page(text))).toEqual([]);
  });
});

describe('links', () => {
  const files = new Set(['stages/06-wal/README.md', 'tests/06-wal', 'reference/wal/segment.ts', 'docs/06-wal.md']);
  const exists = (file: string) => files.has(file);

  test('a relative link must resolve to a file or folder of the repository', () => {
    const text = [
      '[spec](../stages/06-wal/README.md#contract) · [tests](../tests/06-wal/) · [segment](../reference/wal/segment.ts)',
      '[gone](../reference/wal/old.ts) · [outside](../../elsewhere.md)',
      '[web](https://example.org/x.md) · [here](#questions)',
    ].join('\n');
    expect(brokenLinks(page(text), exists).map((p) => [p.line, p.message])).toEqual([
      [2, 'link ../reference/wal/old.ts points at reference/wal/old.ts, which is not in the repository'],
      [2, 'link ../../elsewhere.md points at ../elsewhere.md, which is not in the repository'],
    ]);
  });

  test('a chapter must link its spec and its tests, a spec its chapter', () => {
    const wanted = [
      { file: 'stages/06-wal/README.md', what: 'its spec' },
      { file: 'tests/06-wal', what: 'its tests' },
    ];
    expect(missingLinks(page('[spec](../stages/06-wal/README.md), [tests](../tests/06-wal/)'), wanted)).toEqual([]);
    const problems = missingLinks(page('the spec is `stages/06-wal/README.md`'), wanted);
    expect(problems.map((p) => p.message)).toEqual([
      'link its spec (stages/06-wal/README.md) with a relative link, e.g. [stages/06-wal/README.md](../stages/06-wal/README.md)',
      'link its tests (tests/06-wal) with a relative link, e.g. [tests/06-wal](../tests/06-wal)',
    ]);
    const spec = page('The chapter [docs/06-wal.md](../../docs/06-wal.md).', 'stages/06-wal/README.md');
    expect(missingLinks(spec, [{ file: 'docs/06-wal.md', what: 'its chapter' }])).toEqual([]);
  });
});

test("the repository's chapters and specs pass", () => {
  expect(lintDocs()).toEqual([]);
});
