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
   * Seals and writes pages, in page order; consecutive pages go out as one write, so a flush
   * of a thousand neighbouring pages costs a handful of system calls, not a thousand.
   */
  async write(pages: readonly PageImage[]): Promise<void> {
    const sorted = [...pages].sort((a, b) => a.no - b.no);
    for (let i = 0; i < sorted.length; ) {
      let end = i + 1;
      while (end < sorted.length && end - i < MAX_RUN && sorted[end]!.no === sorted[end - 1]!.no + 1) end++;
      for (let k = i; k < end; k++) sealPage(sorted[k]!.data);
      if (end - i === 1) {
        await this.handle.write(sorted[i]!.no * PAGE_SIZE, sorted[i]!.data);
      } else {
        const run = new Uint8Array((end - i) * PAGE_SIZE);
        for (let k = i; k < end; k++) run.set(sorted[k]!.data, (k - i) * PAGE_SIZE);
        await this.handle.write(sorted[i]!.no * PAGE_SIZE, run);
      }
      i = end;
    }
  }

  /** Writes one page exactly as given: the meta page checksums its two copies itself. */
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
