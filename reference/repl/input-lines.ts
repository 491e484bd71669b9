// Reads an input stream as lines of bytes, not text: a line ends at \n, \r\n or a lone \r (as
// node:readline splits them), and the last line counts without a newline. Bytes, because
// decoding the stream as UTF-8 would silently turn every invalid byte into U+FFFD, so that
// `put k\xff 1` and `put k\xfe 2` typed raw would write one key; the caller decides what a
// line that is not UTF-8 means (line-text.ts). Streaming, and bounded: a line longer than
// `maxLineBytes` is refused once that many bytes of it arrived, never buffered whole.

import type { Readable } from 'node:stream';
import { DEFAULT_LIMITS } from '../core/limits.ts';

/**
 * The longest line the REPL reads: a put whose key and value are at their limits and written
 * entirely as \xHH escapes (4 characters per byte), with 64 KiB to spare for spaces and option
 * words. No command can be longer, so a longer line is a mistake (a binary file piped in), and
 * buffering it would only end in running out of memory (a string over 512 MiB cannot exist).
 */
export const MAX_LINE_BYTES = 4 * (DEFAULT_LIMITS.maxKeySize + DEFAULT_LIMITS.maxValueSize) + 64 * 1024;

export interface InputLine {
  /** 1-based. */
  number: number;
  bytes: Uint8Array;
}

export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(`line ${lineNumber} is longer than ${limit.toLocaleString('en')} bytes, more than any command can be`);
    this.name = 'LineTooLongError';
  }
}

export interface ReadLinesOptions {
  maxLineBytes?: number;
  /** Stop reading once this aborts: a line not yet complete is dropped, not run. */
  signal?: AbortSignal;
}

const LF = 0x0a;
const CR = 0x0d;

export async function* readLines(input: Readable, { maxLineBytes = MAX_LINE_BYTES, signal }: ReadLinesOptions = {}): AsyncGenerator<InputLine> {
  const chunks = new ChunkSource(input, signal);
  let parts: Uint8Array[] = [];
  let length = 0;
  let number = 0;
  let skipLf = false; // the last chunk ended with \r: a \n starting the next one belongs to it
  const take = (piece: Uint8Array): void => {
    if (length + piece.length > maxLineBytes) throw new LineTooLongError(number + 1, maxLineBytes);
    if (piece.length > 0) parts.push(piece);
    length += piece.length;
  };
  const finish = (): InputLine => {
    const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
    parts = [];
    length = 0;
    return { number: ++number, bytes };
  };
  try {
    for (let chunk = await chunks.next(); chunk !== undefined; chunk = await chunks.next()) {
      let start = 0;
      if (skipLf && chunk[0] === LF) start = 1;
      skipLf = false;
      for (let i = start; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte !== LF && byte !== CR) continue;
        take(chunk.subarray(start, i));
        yield finish();
        if (byte === CR && i + 1 < chunk.length && chunk[i + 1] === LF) i++;
        else if (byte === CR && i + 1 === chunk.length) skipLf = true;
        start = i + 1;
        if (signal?.aborted) return;
      }
      take(chunk.subarray(start));
    }
    if (length > 0 && signal?.aborted !== true) yield finish();
  } finally {
    chunks.close();
  }
}

/**
 * The stream's chunks one at a time, as bytes, paused between reads (so a slow session holds
 * back a fast producer). next() answers undefined at the end of the input or once `signal`
 * aborts — at once, even while waiting for a chunk that may never come (a terminal's stdin).
 */
class ChunkSource {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly input: Readable,
    private readonly signal: AbortSignal | undefined,
  ) {
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.on('error', this.onError);
    signal?.addEventListener('abort', this.onWake);
  }

  async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.signal?.aborted) return undefined;
      const chunk = this.queue.shift();
      if (chunk !== undefined) return chunk;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return undefined;
      const woken = new Promise<void>((resolve) => (this.wake = resolve));
      this.input.resume();
      await woken;
    }
  }

  /** Lets go of the stream: paused and without our listeners, it no longer keeps the process alive. */
  close(): void {
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('error', this.onError);
    this.signal?.removeEventListener('abort', this.onWake);
    this.input.pause();
  }

  private readonly onData = (chunk: unknown): void => {
    this.queue.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array));
    this.input.pause();
    this.onWake();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.onWake();
  };

  private readonly onError = (error: Error): void => {
    this.failure = error;
    this.onWake();
  };

  private readonly onWake = (): void => {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };
}
