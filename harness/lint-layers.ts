// The lint's rules for the reference's shape (DESIGN.md, principle 10: layers point down). The
// folders of reference/ are its layers, ranked bottom up in LAYERS; a file may import from its
// own folder and from the layers below, never from one above, nor sideways between folders of
// the same rank (the LSM tree, the B+tree and the log know nothing of each other). And each
// type is defined once: a type or interface the reference exports under the name of one a
// contract defines must be built on the contract's (import it, as `Command as ProtocolCommand`),
// and no two files of the reference export a type of the same name.

import path from 'node:path';
import ts from 'typescript';

/**
 * reference/'s folders (and its top-level files), bottom up; a row holds the folders side by
 * side. reference/README.md draws the same picture; a new folder needs a row here.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['core'],
  ['storage'],
  ['log', 'lsm', 'btree'],
  ['engine.ts'],
  ['wal'],
  ['txn'],
  ['sql'],
  ['etl'],
  ['repl'],
  ['cli', 'http', 'stages'],
];

/** The layer a file of the reference belongs to: its folder under reference/, or its own name at the top. */
export function layerOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  return parts[0] === 'reference' && parts.length > 1 ? parts[1] : undefined;
}

const rankOf = (layer: string) => LAYERS.findIndex((row) => row.includes(layer));

const shown = (layer: string) => (layer.endsWith('.ts') ? layer : `${layer}/`);

/**
 * Why `from` (a file of the reference, relative to the repository root) may not import `to`, or
 * undefined when it may: imports that leave reference/ are the other rules' business.
 */
export function layerProblem(from: string, to: string): string | undefined {
  const source = layerOf(from);
  const target = layerOf(to);
  if (source === undefined || target === undefined || source === target) return undefined;
  for (const layer of [source, target]) {
    if (rankOf(layer) < 0) {
      return `reference/${shown(layer)} has no place in the layers: add it to LAYERS in harness/lint-layers.ts (and to reference/README.md)`;
    }
  }
  const [up, down] = [rankOf(source), rankOf(target)];
  if (down < up) return undefined;
  const order = LAYERS.map((row) => row.map(shown).join(' | ')).join(' → ');
  if (down === up) return `${shown(source)} and ${shown(target)} sit side by side, so neither may import the other; move what both need down a layer (${order})`;
  return `${shown(source)} may not import ${shown(target)}, a layer above it: layers point down (${order})`;
}

export interface SourceFile {
  /** Relative to the repository root: reference/repl/command.ts. */
  file: string;
  text: string;
}

export interface TypeProblem {
  file: string;
  line: number;
  message: string;
}

/** The interfaces and type aliases a file exports, with their lines. */
function exportedTypes(source: ts.SourceFile): { name: string; line: number }[] {
  return source.statements
    .filter((s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration => ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s))
    .filter((s) => s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) === true)
    .map((s) => ({ name: s.name.text, line: source.getLineAndCharacterOfPosition(s.getStart(source)).line + 1 }));
}

/** The names a file imports from a stage's contract or the file-system interface (their own names, before any `as`). */
function contractImports(source: ts.SourceFile, file: string): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const resolved = path.posix.join(path.posix.dirname(file), statement.moduleSpecifier.text);
    if (!/^stages\/([^/]+\/contract|file-system)\.ts$/.test(resolved)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings === undefined || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) names.add((element.propertyName ?? element.name).text);
  }
  return names;
}

/**
 * Types defined twice: a reference type named like a contract's type but not built on it, and a
 * type name exported by two files of the reference.
 */
export function duplicateTypes(contracts: readonly SourceFile[], reference: readonly SourceFile[]): TypeProblem[] {
  const parse = ({ file, text }: SourceFile) => ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const contractTypes = new Map<string, string>();
  for (const contract of contracts) {
    for (const { name } of exportedTypes(parse(contract))) if (!contractTypes.has(name)) contractTypes.set(name, contract.file);
  }
  const problems: TypeProblem[] = [];
  const seen = new Map<string, string>();
  for (const ref of reference) {
    const source = parse(ref);
    const imported = contractImports(source, ref.file);
    for (const { name, line } of exportedTypes(source)) {
      const contract = contractTypes.get(name);
      if (contract !== undefined && !imported.has(name)) {
        const message = `${name} is defined in ${contract}: import that type (import type), or build this one on it, instead of defining it again`;
        problems.push({ file: ref.file, line, message });
      }
      const first = seen.get(name);
      if (first !== undefined) problems.push({ file: ref.file, line, message: `${name} is already defined in ${first}: import it from there` });
      else seen.set(name, `${ref.file}:${line}`);
    }
  }
  return problems;
}
