// Processes on one simulated disk. A lock file (stage 08) names its owner's pid and asks
// whether that process still runs, so the simulation decides which processes exist: the
// disk's own (a new pid after every reboot, since a power cut kills every process) and others
// started with spawnProcess(), each a FileSystem view of the same disk with its own pid, which
// a test can kill. A killed process does no more I/O: its views and handles fail with ECRASHED.

import type { FileHandle, FileSystem, OpenMode } from '../../stages/file-system.ts';
import { SimError } from './sim-errors.ts';

/** Which simulated pids are alive. Pids start high so they are never mistaken for small counts. */
export class SimProcesses {
  private next = 4100;
  private readonly alive = new Set<number>();
  /** The pid of the disk's own process. */
  main = this.start();

  start(): number {
    const pid = this.next++;
    this.alive.add(pid);
    return pid;
  }

  kill(pid: number): void {
    this.alive.delete(pid);
  }

  isRunning(pid: number): boolean {
    return this.alive.has(pid);
  }

  /** A power cut: every process dies; the machine comes back with one new process. */
  reboot(): void {
    this.alive.clear();
    this.main = this.start();
  }
}

/** Another process's view of the disk: the same files, its own pid; dead once killed. */
export class SimProcessView implements FileSystem {
  constructor(
    private readonly disk: FileSystem,
    private readonly processes: SimProcesses,
    readonly pid: number,
  ) {}

  /** Ends this process, as kill -9 does: its files stay as they are, its I/O stops. */
  kill(): void {
    this.processes.kill(this.pid);
  }

  isRunning(pid: number): boolean {
    return this.processes.isRunning(pid);
  }

  now(): number {
    return this.disk.now();
  }

  /** A process killed while it slept wakes to ECRASHED: it does nothing more. */
  async sleep(ms: number): Promise<void> {
    this.check(`sleep ${ms} ms`);
    await this.disk.sleep(ms);
    this.check(`sleep ${ms} ms`);
  }

  private check(what: string): void {
    if (!this.processes.isRunning(this.pid)) throw new SimError('ECRASHED', `${what}: process ${this.pid} was killed`);
  }

  async open(file: string, mode: OpenMode): Promise<FileHandle> {
    this.check(`open ${file}`);
    return new ProcessHandle(await this.disk.open(file, mode), () => this.check(file));
  }

  async readFile(file: string): Promise<Uint8Array> {
    this.check(`read ${file}`);
    return this.disk.readFile(file);
  }

  async rename(from: string, to: string): Promise<void> {
    this.check(`rename ${from}`);
    return this.disk.rename(from, to);
  }

  async unlink(file: string): Promise<void> {
    this.check(`unlink ${file}`);
    return this.disk.unlink(file);
  }

  async mkdir(dir: string): Promise<void> {
    this.check(`mkdir ${dir}`);
    return this.disk.mkdir(dir);
  }

  async readdir(dir: string): Promise<string[]> {
    this.check(`readdir ${dir}`);
    return this.disk.readdir(dir);
  }

  async syncDir(dir: string): Promise<void> {
    this.check(`syncDir ${dir}`);
    return this.disk.syncDir(dir);
  }

  async stat(file: string): Promise<{ size: number; isDirectory: boolean }> {
    this.check(`stat ${file}`);
    return this.disk.stat(file);
  }
}

/** A handle that stops working when its process is killed. */
class ProcessHandle implements FileHandle {
  constructor(
    private readonly handle: FileHandle,
    private readonly check: () => void,
  ) {}

  async read(position: number, length: number): Promise<Uint8Array> {
    this.check();
    return this.handle.read(position, length);
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    this.check();
    return this.handle.write(position, data);
  }

  async append(data: Uint8Array): Promise<number> {
    this.check();
    return this.handle.append(data);
  }

  async size(): Promise<number> {
    this.check();
    return this.handle.size();
  }

  async truncate(size: number): Promise<void> {
    this.check();
    return this.handle.truncate(size);
  }

  async sync(): Promise<void> {
    this.check();
    return this.handle.sync();
  }

  async close(): Promise<void> {
    return this.handle.close();
  }
}
