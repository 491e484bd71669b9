// The page file as raw pages: read one (checked), read a run of neighbours in one call, write
// many (sealed with their checksums, neighbours coalesced into one write), sync. Nothing here
// knows what a page means beyond its header; all of it goes through the FileSystem interface.

import type { FileHandle } from '../../stages/file-system.ts';
import { checkPage, PAGE_SIZE, sealPage } from './page-layout.ts';

/** Coalesced writes are capped, so one write never needs a huge staging buffer. */
const MAX_RUN = 64;

export interface PageImage {
  readonly no: number;
  readonly data: Uint8Array;
}

export class PageFile {
  constructor(
    private readonly handle: FileHandle,
    /** The file's path, named in every error. */
    readonly path: string,
  ) {}

  /** Page `no`, checked: whole, checksum, its own number, and its type when one is expected. */
  async read(no: number, type?: number): Promise<Uint8Array> {
    const data = await this.handle.read(no * PAGE_SIZE, PAGE_SIZE);
    checkPage(data, this.path, no, type);
    return data;
  }

  /** `count` consecutive pages from `first`, unchecked: the caller checks the ones it uses. */
  readRun(first: number, count: number): Promise<Uint8Array> {
    return this.handle.read(first * PAGE_SIZE, count * PAGE_SIZE);
  }

  /**
   * Seals and writes pages; consecutive pages go out as one write, so a flush of a thousand
   * neighbouring pages costs a handful of system calls, not a thousand. The writes are issued
   * together (they touch distinct ranges, and nobody syncs before all have finished), and
   * the first error is thrown once every one of them has settled.
   */
  async write(pages: readonly PageImage[]): Promise<void> {
    const sorted = [...pages].sort((a, b) => a.no - b.no);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < sorted.length; ) {
      let end = i + 1;
      while (end < sorted.length && end - i < MAX_RUN && sorted[end]!.no === sorted[end - 1]!.no + 1) end++;
      for (let k = i; k < end; k++) sealPage(sorted[k]!.data);
      let bytes = sorted[i]!.data;
      if (end - i > 1) {
        bytes = new Uint8Array((end - i) * PAGE_SIZE);
        for (let k = i; k < end; k++) bytes.set(sorted[k]!.data, (k - i) * PAGE_SIZE);
      }
      writes.push(this.handle.write(sorted[i]!.no * PAGE_SIZE, bytes));
      i = end;
    }
    const failed = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** Writes bytes at the start of page `no` exactly as given: a meta record checksums itself. */
  writeUnsealed(no: number, data: Uint8Array): Promise<void> {
    return this.handle.write(no * PAGE_SIZE, data);
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  size(): Promise<number> {
    return this.handle.size();
  }

  truncate(bytes: number): Promise<void> {
    return this.handle.truncate(bytes);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
