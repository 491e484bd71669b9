// Shared by the fault-injection tests of stages 06 and 07: which failed operations must stop a
// store, a watch on the simulated disk's fault plan that notes the kind of the first failure,
// and "does this call reject".

import { rethrowStub } from './assert.ts';
import type { OpKind } from './sim-fs/faults.ts';
import type { SimFileSystem } from './sim-fs/sim-fs.ts';

/**
 * The operations a failure of which must stop the store (a failed write or fsync is final):
 * every one that changes a file or a directory. A failed read (or an open, which may be one)
 * need not stop it; a test then checks only that nothing acknowledged is lost.
 */
export const STOPPING_OPS: readonly OpKind[] = ['write', 'append', 'truncate', 'sync', 'syncDir', 'rename', 'unlink', 'mkdir'];

export interface FaultWatch {
  /** Operations the fault plan saw, by kind. */
  ops: Map<OpKind, number>;
  /** The kind of the first operation that failed. */
  failed?: OpKind;
}

/** Counts the operations the fault plan sees, by kind, and notes the kind of the first that failed. */
export function watchFaults(fs: SimFileSystem): FaultWatch {
  const seen: FaultWatch = { ops: new Map() };
  const check = fs.faults.check.bind(fs.faults);
  fs.faults.check = (op) => {
    if (op === 'close') return check(op); // not a step: fails only when a rule names it
    seen.ops.set(op, (seen.ops.get(op) ?? 0) + 1);
    const code = check(op);
    if (code !== undefined) seen.failed ??= op;
    return code;
  };
  return seen;
}

/** Whether the call rejects (or throws); a not-implemented stub is passed on, not counted. */
export async function rejects(call: () => unknown): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    rethrowStub(error);
    return true;
  }
}
