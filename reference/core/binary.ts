// Little-endian integers in byte arrays: a growing writer, and a reader that knows its offset
// and refuses to read past the end — with an error naming the file and where it stopped.

import { KvError } from './errors.ts';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  u8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  /** Integers up to 2^53, as 8 bytes. */
  u64(value: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Overwrites a u32 written earlier (a length or checksum known only at the end). */
  patchU32(offset: number, value: number): void {
    this.view.setUint32(offset, value, true);
  }

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

export class ByteReader {
  private readonly view: DataView;
  offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    /** Named in errors. */
    private readonly file: string,
    start = 0,
    /** Reading stops here (e.g. before a trailing checksum). */
    readonly end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(what: string): number {
    this.need(8, what);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.corrupt(`${what} is ${value}, too large`, this.offset - 8);
    return Number(value);
  }

  /** A view of the next n bytes (copy it if it must outlive the buffer). */
  bytesView(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  corrupt(problem: string, at = this.offset): KvError {
    return new KvError('CORRUPT', `${this.file}: ${problem} at offset ${at}`);
  }

  private need(n: number, what: string): void {
    if (this.offset + n > this.end) {
      throw this.corrupt(`truncated: ${what} needs ${n} bytes, ${Math.max(0, this.end - this.offset)} left`);
    }
  }
}
