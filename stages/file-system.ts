// The file system every stage from 03 on does its I/O through, and the real one over node:fs.
// Given to learners: do not edit it. Stores take it as an option (`fs`), so the tests can
// pass a simulated file system instead — one that loses what was never synced when it
// "loses power", tears writes, and fails chosen operations with EIO or ENOSPC.

import { constants, promises as fsp, readSync } from 'node:fs';

/** Errors carry node's codes; ECRASHED is the simulation's "the power went out". */
export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EACCES' | 'EIO' | 'ENOSPC' | 'EBADF' | 'ECRASHED';

/**
 * How to open a file:
 * - 'read': an existing file, for reading only;
 * - 'write': an existing file, for reading and writing;
 * - 'create': the file, created empty if missing, for reading and writing;
 * - 'create-new': a new file; EEXIST if the name is taken.
 * Nothing truncates on open: call truncate(0).
 */
export type OpenMode = 'read' | 'write' | 'create' | 'create-new';

export interface FileHandle {
  /** Up to `length` bytes from `position`; fewer at the end of the file, none past it. */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Writes all of `data` at `position`, growing the file if needed. */
  write(position: number, data: Uint8Array): Promise<void>;
  /** Writes `data` at the end of the file; resolves to the position it starts at. */
  append(data: Uint8Array): Promise<number>;
  size(): Promise<number>;
  truncate(size: number): Promise<void>;
  /** fsync: everything written to this file so far survives a power loss once this resolves. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** The whole content of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Renames atomically, replacing `to` if it exists. Durable only after syncDir. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. Durable only after syncDir. */
  unlink(path: string): Promise<void>;
  /** Creates a directory and its missing parents; fine if it exists. Durable only after syncDir of its parent. */
  mkdir(path: string): Promise<void>;
  /** The names in a directory, sorted. */
  readdir(path: string): Promise<string[]>;
  /** fsync on a directory: the creates, renames and unlinks in it so far survive a power loss. */
  syncDir(path: string): Promise<void>;
  stat(path: string): Promise<{ size: number; isDirectory: boolean }>;
  /** The id of the process doing this I/O (process.pid): what a lock file records (stage 08). */
  readonly pid: number;
  /** Whether the process `pid` is still running (kill(pid, 0)): a lock naming a dead one is stale. */
  isRunning(pid: number): boolean;
  /**
   * The clock of the process doing this I/O, in milliseconds (Date.now() on the real file
   * system): for waits on another process, such as a lock's patience (stage 08).
   */
  now(): number;
  /**
   * Resolves after `ms` on that clock (setTimeout on the real file system). A store waits
   * through this, never through setTimeout, so that a test can run time itself: a simulated
   * disk under a scheduler makes each sleep one more event it orders (stage 08).
   */
  sleep(ms: number): Promise<void>;
}

const MODE_FLAGS: Record<OpenMode, number> = {
  read: constants.O_RDONLY,
  write: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT,
  'create-new': constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
};

/** A handle over node's FileHandle. It tracks the size itself: one writer per file. */
class NodeFileHandle implements FileHandle {
  constructor(
    private readonly handle: fsp.FileHandle,
    private length: number,
  ) {}

  /**
   * Reads synchronously, on purpose: a store reads small blocks and pages that are mostly in
   * the kernel's page cache, where a pread takes microseconds, while a trip through libuv's
   * thread pool costs tens of microseconds. (better-sqlite3 and LMDB's bindings do the same.)
   */
  async read(position: number, length: number): Promise<Uint8Array> {
    const buffer = new Uint8Array(Math.max(0, Math.min(length, this.length - position)));
    let done = 0;
    while (done < buffer.length) {
      const bytesRead = readSync(this.handle.fd, buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.handle.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
    this.length = Math.max(this.length, position + data.length);
  }

  async append(data: Uint8Array): Promise<number> {
    // Reserve the range before the first await, so concurrent appends never overlap.
    const position = this.length;
    this.length += data.length;
    await this.write(position, data);
    return position;
  }

  async size(): Promise<number> {
    return this.length;
  }

  async truncate(size: number): Promise<void> {
    await this.handle.truncate(size);
    this.length = size;
  }

  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** The real file system. */
export const nodeFileSystem: FileSystem = {
  async open(path, mode) {
    const handle = await fsp.open(path, MODE_FLAGS[mode], 0o644);
    const { size } = await handle.stat();
    return new NodeFileHandle(handle, size);
  },
  async readFile(path) {
    return new Uint8Array(await fsp.readFile(path));
  },
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  async mkdir(path) {
    await fsp.mkdir(path, { recursive: true });
  },
  async readdir(path) {
    return (await fsp.readdir(path)).sort();
  },
  async syncDir(path) {
    const handle = await fsp.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async stat(path) {
    const stats = await fsp.stat(path);
    return { size: stats.size, isDirectory: stats.isDirectory() };
  },
  pid: process.pid,
  isRunning(pid) {
    // kill(0) would signal our whole process group, and a negative pid a group: never a process.
    if (!Number.isSafeInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0); // signal 0 sends nothing: it only asks whether the process exists
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but belongs to another user
    }
  },
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
