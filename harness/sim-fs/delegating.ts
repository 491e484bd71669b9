// A file system that passes every call to another one: the base for the small test disks that
// change one thing (reads that take a while, fsyncs that stall) and leave the rest alone.
// Override the method that differs; `handle()` wraps each file handle open() returns.

import type { FileHandle, FileSystem, OpenMode } from '../../stages/file-system.ts';

export class DelegatingFileSystem implements FileSystem {
  constructor(protected readonly inner: FileSystem) {}

  get pid(): number {
    return this.inner.pid;
  }

  isRunning(pid: number): boolean {
    return this.inner.isRunning(pid);
  }

  now(): number {
    return this.inner.now();
  }

  sleep(ms: number): Promise<void> {
    return this.inner.sleep(ms);
  }

  async open(file: string, mode: OpenMode): Promise<FileHandle> {
    return this.handle(file, await this.inner.open(file, mode));
  }

  /** The handle open() hands out for `file`: the inner one, unless a subclass says otherwise. */
  protected handle(_file: string, handle: FileHandle): FileHandle {
    return handle;
  }

  readFile(file: string): Promise<Uint8Array> {
    return this.inner.readFile(file);
  }

  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }

  unlink(file: string): Promise<void> {
    return this.inner.unlink(file);
  }

  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }

  readdir(dir: string): Promise<string[]> {
    return this.inner.readdir(dir);
  }

  syncDir(dir: string): Promise<void> {
    return this.inner.syncDir(dir);
  }

  stat(file: string): Promise<{ size: number; isDirectory: boolean }> {
    return this.inner.stat(file);
  }
}

/** `handle` with some of its methods replaced. */
export function withHandle(handle: FileHandle, changes: Partial<FileHandle>): FileHandle {
  return {
    read: (position, length) => handle.read(position, length),
    write: (position, data) => handle.write(position, data),
    append: (data) => handle.append(data),
    size: () => handle.size(),
    truncate: (size) => handle.truncate(size),
    sync: () => handle.sync(),
    close: () => handle.close(),
    ...changes,
  };
}
