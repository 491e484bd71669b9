// The simulated file system's tree: files (what reads see apart from what is durable) and
// directories (the names a lookup sees apart from the names a crash keeps), and the list of
// what is not durable yet — what a power cut now would drop, said so a failing test can name
// the missing sync.

import path from 'node:path';
import { Bytes, type PendingOp } from './bytes.ts';

export class SimFile {
  /** What reads see. */
  data = new Bytes();
  /** What survives a power loss: the content as of the last successful sync. */
  durable = new Bytes();
  /** Writes and truncates since then, in order; a crash keeps, drops or garbles each. */
  pending: PendingOp[] = [];
  /** Set by a rename: where this file came from, to name a rename that was not made durable. */
  renamedFrom: string | undefined;
}

export class SimDir {
  readonly entries = new Map<string, SimNode>();
  /** The entries as of the last syncDir of this directory. */
  durable = new Map<string, SimNode>();
  renamedFrom: string | undefined;
}

export type SimNode = SimFile | SimDir;

/**
 * Everything a power cut now would drop, one line each with its likely cause: writes not
 * synced, and names created, renamed or removed in a directory not synced since.
 */
export function describeUnsynced(root: SimDir): string[] {
  const out: string[] = [];
  const walk = (dir: SimDir, at: string, seen: Set<SimNode>) => {
    for (const [name, node] of dir.entries) {
      const full = path.posix.join(at, name);
      const before = dir.durable.get(name);
      if (before !== node) {
        out.push(node.renamedFrom === undefined
          ? `${full}: created, but ${at} was not synced after: the new name was not made durable: sync the directory (syncDir ${at}) after creating a file`
          : `${full}: renamed from ${node.renamedFrom}, but ${at} was not synced after: the rename was not made durable: sync the directory (syncDir ${at}) after renaming`);
      }
      if (seen.has(node)) continue;
      seen.add(node);
      if (node instanceof SimDir) walk(node, full, seen);
      else if (node.pending.length > 0) out.push(`${full}: ${node.pending.length} write(s) or truncate(s) since its last sync: sync the file before anything relies on them`);
    }
    for (const name of dir.durable.keys()) {
      if (!dir.entries.has(name)) out.push(`${path.posix.join(at, name)}: removed or renamed away, but ${at} was not synced after: the name comes back`);
    }
  };
  walk(root, '/', new Set());
  return out;
}

/** Every file path under `root` and its current content, sorted. */
export function listFiles(root: SimDir): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const walk = (dir: SimDir, prefix: string) => {
    for (const [name, node] of [...dir.entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (node instanceof SimDir) walk(node, `${prefix}${name}/`);
      else out.set(`${prefix}${name}`, node.data.view().slice());
    }
  };
  walk(root, '/');
  return out;
}
