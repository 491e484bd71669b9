// The simulated file system's file content: a byte array that grows by doubling (so that
// appending to a big file is not quadratic), and the pending operations a crash replays.

export type PendingOp = { kind: 'write'; offset: number; bytes: Uint8Array } | { kind: 'truncate'; size: number };

/** A byte array that grows by doubling, so appending to a big file is not quadratic. */
export class Bytes {
  private buffer: Uint8Array;
  length: number;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.buffer = initial.slice();
    this.length = initial.length;
  }

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  copy(): Bytes {
    return new Bytes(this.view());
  }

  write(offset: number, bytes: Uint8Array): void {
    this.resize(Math.max(this.length, offset + bytes.length));
    this.buffer.set(bytes, offset);
  }

  /** Cuts, or extends with zeros. */
  resize(size: number): void {
    if (size > this.buffer.length) {
      const grown = new Uint8Array(Math.max(size, this.buffer.length * 2, 64));
      grown.set(this.view());
      this.buffer = grown;
    } else if (size > this.length) {
      this.buffer.fill(0, this.length, size);
    }
    this.length = size;
  }

  apply(op: PendingOp): void {
    if (op.kind === 'write') this.write(op.offset, op.bytes);
    else this.resize(op.size);
  }
}

