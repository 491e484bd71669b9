// Follows one cycle from the parent's side: reads the child's messages and knows, at every
// moment and after the kill, which writes were acknowledged, which were in flight, and which
// (stage 03, no save asked for yet) existed only in the child's memory. On stage 05 every
// write after the last completed flush is in flight: the store may have made it durable on its own.

import type { TrackedOp } from './checker.ts';
import type { ChildMessage, Op } from './protocol.ts';

/**
 * 'per-op': each write is acknowledged by its own promise (stages 04, 06, 07). 'on-save': by
 * the save() after it, and writes no save covers must not appear (stage 03). 'on-flush': by the
 * flush() after it, and writes since the last flush may or may not appear (stage 05).
 */
export type Durability = 'per-op' | 'on-save' | 'on-flush';

export class CycleTracker {
  /** The store was open and the workload had started. */
  ready = false;
  /** Acknowledgements so far: acks on stage 04, resolved saves (flushes) on stages 03 and 05. */
  acks = 0;
  /** The child's own error, when it failed rather than being killed. */
  error: string | undefined;
  compacting = false;
  private readonly ops = new Map<number, Op>();
  private readonly acknowledged = new Set<number>();
  private savedThrough = -Infinity;
  private savingThrough = -Infinity;

  constructor(private readonly durability: Durability) {}

  take(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        break;
      case 'begin':
      case 'ack': {
        const { type, ...op } = message;
        this.ops.set(op.seq, op);
        if (type === 'ack') {
          this.acknowledged.add(op.seq);
          this.acks++;
        }
        break;
      }
      case 'save':
        this.savingThrough = Math.max(this.savingThrough, message.through);
        break;
      case 'saved':
        this.savedThrough = Math.max(this.savedThrough, message.through);
        this.acks++;
        break;
      case 'compact':
        this.compacting = true;
        break;
      case 'compacted':
        this.compacting = false;
        break;
      case 'error':
        this.error = message.message;
        break;
    }
  }

  /** Every write the child started, in seq order, with what is known of it. */
  result(): TrackedOp[] {
    return [...this.ops.values()].sort((a, b) => a.seq - b.seq).map((op) => ({ ...op, state: this.state(op.seq) }));
  }

  /** The seq the next cycle starts from. */
  nextSeq(first: number): number {
    return Math.max(first, ...[...this.ops.keys()].map((seq) => seq + 1));
  }

  /** A save that was started and had not resolved (stage 03). */
  saveInFlight(): boolean {
    return this.savingThrough > this.savedThrough;
  }

  private state(seq: number): TrackedOp['state'] {
    if (this.durability === 'per-op') return this.acknowledged.has(seq) ? 'acknowledged' : 'in-flight';
    if (seq <= this.savedThrough) return 'acknowledged';
    if (this.durability === 'on-flush') return 'in-flight';
    return seq <= this.savingThrough ? 'in-flight' : 'not-durable';
  }
}
