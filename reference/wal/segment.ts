// One file of the write-ahead log, open for appending: its handle, where the next record goes,
// and its group commit. A checkpoint starts a new segment; the old ones are deleted once the
// index state that covers them is durable.
//
// Segments are made durable in order. A new segment's fsync first waits for everything before
// it — the previous segment's records and the directory entry that names the new file — so
// a write in segment N+1 is never acknowledged while one in segment N could still be lost.
// Recovery relies on it: a segment followed by a synced one must be whole.

import path from 'node:path';
import type { FileHandle, FileSystem } from '../../stages/file-system.ts';
import { GroupCommit } from '../log/group-commit.ts';
import { encodeSegmentHeader } from './wal-record.ts';

export function segmentName(number: number): string {
  return `${String(number).padStart(6, '0')}.wal`;
}

/** The segment numbers among a directory's names, in order. */
export function segmentNumbers(names: readonly string[]): number[] {
  return names
    .map((name) => /^(\d{6,})\.wal$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

export class Segment {
  readonly sync: GroupCommit;
  /** What must be durable before this segment's first fsync (see follow). */
  private previous: Promise<void> | undefined;
  /** Settles once every write of the older segments is written (see followWrites). */
  writtenBefore: Promise<void> = Promise.resolve();

  private constructor(
    readonly number: number,
    readonly file: string,
    readonly handle: FileHandle,
    /** Where the next record goes: the length including writes in flight. */
    public end: number,
  ) {
    this.sync = new GroupCommit(
      async () => {
        if (this.previous !== undefined) await this.previous;
        await handle.sync();
      },
      'batch',
      end,
    );
  }

  /** A segment recovery found, reopened to append after its last intact record (recovery synced it). */
  static async reopen(fs: FileSystem, dir: string, number: number, validLength: number): Promise<Segment> {
    const file = path.join(dir, segmentName(number));
    return new Segment(number, file, await fs.open(file, 'write'), validLength);
  }

  /** A new, empty file; start() writes its header when it begins to take records. */
  static async create(fs: FileSystem, dir: string, number: number): Promise<Segment> {
    const file = path.join(dir, segmentName(number));
    return new Segment(number, file, await fs.open(file, 'create-new'), 0);
  }

  /**
   * Reserves and writes the header, whose first record will be `firstSeq`. Call it in the same
   * step as the segment starts taking records. Nothing after the header counts as written
   * before the header is, so no record is acknowledged in a segment recovery would not read.
   */
  start(firstSeq: number): Promise<void> {
    return this.append(encodeSegmentHeader(firstSeq)).written;
  }

  /** This segment's first fsync waits for `previous`: older segments and its directory entry durable. */
  follow(previous: Promise<void>): void {
    previous.catch(() => undefined); // observed by the first fsync, if one ever runs; the store stops on it there
    this.previous = previous;
  }

  /**
   * A write here is "written" for sync 'window' only once every write of the older segments is:
   * otherwise a failed write in the old segment would cut off one acknowledged in this one.
   */
  followWrites(previous: Promise<void>): void {
    previous.catch(() => undefined); // observed by the acknowledgements that wait for it
    this.writtenBefore = previous;
  }

  /** Reserves room for `bytes` at the end (synchronously: log order is call order) and writes them there. */
  append(bytes: Uint8Array): { start: number; end: number; written: Promise<void> } {
    const start = this.end;
    this.end += bytes.length;
    return { start, end: this.end, written: this.writeAt(start, bytes) };
  }

  private async writeAt(start: number, bytes: Uint8Array): Promise<void> {
    try {
      await this.handle.write(start, bytes);
    } catch (error) {
      this.sync.fail(error); // nothing after a hole may be acknowledged
      throw error;
    }
    this.sync.written(start, start + bytes.length);
  }
}
