// Fault injection for the simulated file system: fail the n-th operation of a kind with EIO
// or ENOSPC (or EACCES), once or from then on. A failed write changes nothing; a failed sync
// loses the writes it was meant to save (see SimFileSystem.failSync).

import type { FsErrorCode } from '../../stages/file-system.ts';

export type OpKind = 'open' | 'read' | 'write' | 'append' | 'truncate' | 'sync' | 'rename' | 'unlink' | 'mkdir' | 'readdir' | 'syncDir' | 'stat';

/** Closing a handle: not a step (it changes nothing on disk), so only a rule that names it fails it. */
export type CloseOp = 'close';

export interface FaultRule {
  /** Which operations count: one kind, a list, or 'any' (every kind but 'close'). */
  op: OpKind | readonly OpKind[] | 'any' | CloseOp;
  /** Fail the n-th matching operation from now (0 = the next one). */
  nth: number;
  code: Extract<FsErrorCode, 'EIO' | 'ENOSPC' | 'EACCES'>;
  /** Keep failing every matching operation after the first failure (a dead disk, a full disk). */
  persist?: boolean;
}

interface ActiveRule extends FaultRule {
  seen: number;
  fired: boolean;
}

export class FaultPlan {
  private readonly rules: ActiveRule[] = [];
  /** How many operations failed so far, by injected faults. */
  failures = 0;

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, seen: 0, fired: false });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The error code an operation must fail with, if any rule says so. */
  check(op: OpKind | CloseOp): FaultRule['code'] | undefined {
    for (const rule of this.rules) {
      const matches = (rule.op === 'any' && op !== 'close') || rule.op === op || (Array.isArray(rule.op) && rule.op.includes(op));
      if (!matches) continue;
      const index = rule.seen++;
      if ((rule.fired && rule.persist) || index === rule.nth) {
        rule.fired = true;
        this.failures++;
        return rule.code;
      }
    }
    return undefined;
  }
}
