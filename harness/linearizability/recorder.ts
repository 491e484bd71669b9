// HistoryRecorder: records operations as clients invoke them and see them complete, stamping
// call and return with a monotonic logical clock so histories (and tests) are deterministic.

import type { Input, Operation, Output } from './types.ts';

export class HistoryRecorder {
  #clock = 0;
  readonly #ops: Operation[] = [];

  /** Records the call of `input` by `client`; returns the operation's id. */
  invoke(client: number, input: Input): number {
    const id = this.#ops.length;
    this.#ops.push({ id, client, call: this.#clock++, return: undefined, input, output: undefined, status: 'unknown' });
    return id;
  }

  /** The operation returned `output`. */
  ok(id: number, output: Output): void {
    this.#finish(id, output.ok ? 'ok' : 'fail', output, this.#clock++);
  }

  /** The operation definitely did not take effect. */
  fail(id: number): void {
    this.#finish(id, 'fail', { ok: false }, this.#clock++);
  }

  /** The operation's outcome is unknown (a timeout, a crash): it may take effect any time after its call. */
  unknown(id: number): void {
    this.#finish(id, 'unknown', undefined, Infinity);
  }

  /** A copy of the history so far; operations still in flight appear as unknown. */
  history(): Operation[] {
    return this.#ops.map((op) => (op.return === undefined ? { ...op, return: Infinity } : { ...op }));
  }

  #finish(id: number, status: Operation['status'], output: Output | undefined, ret: number): void {
    const op = this.#ops[id];
    if (op === undefined) throw new RangeError(`no operation ${id}`);
    if (op.return !== undefined) throw new Error(`operation ${id} already completed`);
    op.status = status;
    op.output = output;
    op.return = ret;
  }
}
