// What the child process tells the crash runner, one JSON line per event on file descriptor
// 3: each operation as it starts (in flight) and once it is acknowledged (its promise
// resolved). The lines are written synchronously, so a line written before the kill is
// never lost with the process: the parent reads it from the pipe afterwards.

import { writeSync } from 'node:fs';
import type { TargetKind } from '../target.ts';

/** One write of the workload. Keys and values are ASCII text, stored as their bytes. */
export interface Op {
  seq: number;
  op: 'put' | 'delete';
  key: string;
  /** The new value of a put; absent for a delete. */
  value?: string;
}

export type ChildMessage =
  /** The store is open; the workload starts. */
  | { type: 'ready' }
  /** An operation is about to be called: in flight from now on. */
  | ({ type: 'begin' } & Op)
  /** The operation's promise resolved: it must survive. */
  | ({ type: 'ack' } & Op)
  /** Stage 03: save() was called (stage 05: flush()); it covers every operation up to `through`. */
  | { type: 'save'; through: number }
  /** Stage 03: that save() (stage 05: flush()) resolved, so every operation up to `through` must survive. */
  | { type: 'saved'; through: number }
  | { type: 'compact' }
  | { type: 'compacted' }
  /** The workload failed: the store threw or rejected. */
  | { type: 'error'; message: string };

/** What the parent passes the child, as one JSON argument. */
export interface ChildConfig {
  stage: string;
  target: TargetKind;
  dir: string;
  /** The stage's sync policy or mode, one of its driver's syncPolicies. */
  sync?: string;
  workload: string;
  seed: number;
  cycle: number;
  /** The seq of the cycle's first operation: seq numbers never repeat within a run. */
  firstSeq: number;
}

/** The descriptor the child writes its messages to. */
export const MESSAGE_FD = 3;

/** Writes one message as a line, synchronously; a full pipe is waited out, not dropped. */
export function sendMessage(message: ChildMessage, fd = MESSAGE_FD): void {
  const bytes = Buffer.from(`${JSON.stringify(message)}\n`);
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EAGAIN') throw error;
    }
  }
}

/** Splits a byte stream into messages; a line cut short stays buffered until it is whole. */
export class MessageDecoder {
  private pending = '';

  push(chunk: Buffer | string): ChildMessage[] {
    this.pending += chunk.toString();
    const lines = this.pending.split('\n');
    this.pending = lines.pop()!;
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as ChildMessage);
  }
}
