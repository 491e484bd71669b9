// Tests of the lint's rules for the reference's shape (harness/lint-layers.ts): an import may
// point down the layers or stay in its folder, never up nor sideways; a type a contract defines
// is not defined again; and the repository's own reference passes both.

import { describe, expect, test } from 'vitest';
import { lint } from '../lint.ts';
import { duplicateTypes, LAYERS, layerOf, layerProblem } from '../lint-layers.ts';

describe('layers', () => {
  test('an import down the layers, inside a folder, or out of reference/ passes', () => {
    expect(layerProblem('reference/lsm/lsm-store.ts', 'reference/core/bytes.ts')).toBeUndefined();
    expect(layerProblem('reference/lsm/lsm-store.ts', 'reference/storage/directory.ts')).toBeUndefined();
    expect(layerProblem('reference/lsm/lsm-store.ts', 'reference/lsm/memtable.ts')).toBeUndefined();
    expect(layerProblem('reference/wal/wal-store.ts', 'reference/log/group-commit.ts')).toBeUndefined();
    expect(layerProblem('reference/cli/open-store.ts', 'reference/engine.ts')).toBeUndefined();
    expect(layerProblem('reference/stages/05.ts', 'reference/engine.ts')).toBeUndefined();
    expect(layerProblem('reference/core/limits.ts', 'stages/02-ordered-map/contract.ts')).toBeUndefined();
  });

  test('an import up the layers is refused, naming both folders and the order', () => {
    const problem = layerProblem('reference/core/scan-options.ts', 'reference/storage/directory.ts');
    expect(problem).toMatch(/^core\/ may not import storage\/, a layer above it: layers point down \(core\/ → storage\/ → log\/ \| lsm\/ \| btree\/ → /);
    expect(layerProblem('reference/storage/snapshot-store.ts', 'reference/txn/call-gate.ts')).toContain('a layer above it');
    expect(layerProblem('reference/lsm/lsm-store.ts', 'reference/engine.ts')).toContain('lsm/ may not import engine.ts');
    expect(layerProblem('reference/repl/session.ts', 'reference/cli/app.ts')).toContain('a layer above it');
  });

  test('an import sideways between log/, lsm/ and btree/, or from the CLI into a test adapter, is refused', () => {
    expect(layerProblem('reference/lsm/merge.ts', 'reference/btree/cursor.ts')).toMatch(/^lsm\/ and btree\/ sit side by side/);
    expect(layerProblem('reference/btree/btree.ts', 'reference/log/record.ts')).toMatch(/^btree\/ and log\/ sit side by side/);
    expect(layerProblem('reference/cli/open-store.ts', 'reference/stages/05.ts')).toMatch(/^cli\/ and stages\/ sit side by side/);
  });

  test('a folder with no rank is refused until it is given one', () => {
    expect(layerProblem('reference/cache/lru.ts', 'reference/core/bytes.ts')).toContain('reference/cache/ has no place in the layers');
    expect(layerProblem('reference/core/bytes.ts', 'reference/misc.ts')).toContain('reference/misc.ts has no place in the layers');
  });

  test('every folder of the design has one rank', () => {
    const all = LAYERS.flat();
    expect(new Set(all).size).toBe(all.length);
    for (const folder of ['core', 'storage', 'log', 'lsm', 'btree', 'wal', 'txn', 'sql', 'etl', 'repl', 'cli', 'http']) expect(all).toContain(folder);
    expect(layerOf('reference/engine.ts')).toBe('engine.ts');
    expect(layerOf('harness/lint.ts')).toBeUndefined();
  });
});

describe('one definition', () => {
  const contract = {
    file: 'stages/02-ordered-map/contract.ts',
    text: 'export interface Entry { key: Uint8Array; value: Uint8Array }\nexport type ErrorCode = "A" | "B";\nexport class KvError extends Error {}\n',
  };

  test('a contract type defined again in the reference is refused', () => {
    const reference = [{ file: 'reference/core/entry.ts', text: '// x\n\nexport interface Entry {\n  key: Uint8Array;\n}\n' }];
    expect(duplicateTypes([contract], reference)).toEqual([
      {
        file: 'reference/core/entry.ts',
        line: 3,
        message: 'Entry is defined in stages/02-ordered-map/contract.ts: import that type (import type), or build this one on it, instead of defining it again',
      },
    ]);
  });

  test('a type built on the contract type of its name passes, and so do classes and private types', () => {
    const reference = [
      {
        file: 'reference/core/errors.ts',
        text: "import type { ErrorCode as BadInput } from '../../stages/02-ordered-map/contract.ts';\nexport type ErrorCode = BadInput | 'C';\nexport class KvError extends Error {}\ninterface Entry { key: Uint8Array }\n",
      },
    ];
    expect(duplicateTypes([contract], reference)).toEqual([]);
  });

  test('a type exported by two files of the reference is refused at the second', () => {
    const reference = [
      { file: 'reference/lsm/merge.ts', text: 'export interface Cursor { key: number }\n' },
      { file: 'reference/btree/cursor.ts', text: '\nexport type Cursor = number;\n' },
    ];
    expect(duplicateTypes([contract], reference)).toEqual([
      { file: 'reference/btree/cursor.ts', line: 2, message: 'Cursor is already defined in reference/lsm/merge.ts:1: import it from there' },
    ]);
  });
});

test("the repository's reference keeps both rules", () => {
  expect(lint().filter((p) => p.rule === 'layers' || p.rule === 'one-definition')).toEqual([]);
});
