// A file system whose every operation completes when fast-check's scheduler says so. The
// operation itself happens at once, in call order (an append's place in the file is its place
// in the calls, as on a real disk); only the moment its promise settles — when the caller
// resumes — is chosen by the scheduler. That is exactly the freedom the event loop has with
// real I/O, so every schedule the scheduler picks is one a real disk could produce, and the
// scheduler's report, printed on failure, reads as the story of the run.
//
// Time is the scheduler's too. Each process's clock is logical: it moves only when that
// process sleeps, and a sleep completes when the scheduler picks it, like any I/O (a 5 ms sleep
// may end before or after a read: a real disk can be that slow). So a run never depends on how
// fast the machine is, a replay replays the sleeps too, and "no task is pending" means that
// nothing more can happen — unless the code waits on a timer of its own (setTimeout), which
// the tests cannot see (stage 08's README asks for fs.sleep).

import type fc from 'fast-check';
import type { FileHandle, FileSystem, OpenMode } from '../../stages/file-system.ts';

export class ScheduledFileSystem implements FileSystem {
  /** While false, operations complete at once (to set up a store before the schedule starts). */
  scheduling = true;
  /** This process's logical clock: where the disk's clock was when it started, plus every sleep since. */
  private clock: number;

  constructor(
    private readonly disk: FileSystem,
    private readonly scheduler: fc.Scheduler,
    /** Put before each task's label in the scheduler's report, e.g. "pid 4102: " for one of several processes. */
    private readonly who = '',
  ) {
    this.clock = disk.now();
  }

  get pid(): number {
    return this.disk.pid;
  }

  isRunning(pid: number): boolean {
    return this.disk.isRunning(pid);
  }

  now(): number {
    return this.clock;
  }

  /** Completes when the scheduler picks it (at once while not scheduling); then this clock has moved `ms` on. */
  async sleep(ms: number): Promise<void> {
    await this.gate(`sleep ${ms} ms`, async () => undefined);
    this.clock += Math.max(0, ms);
  }

  /** Starts `operation` now; its result is handed back when the scheduler picks `label`. */
  gate<T>(label: string, operation: () => Promise<T>): Promise<T> {
    const started = operation();
    if (!this.scheduling) return started;
    // The scheduler is handed only "it finished", not the result: its report stringifies each
    // task's value, and a 4 KiB block read shown byte by byte cost milliseconds per step.
    const finished = started.then(
      () => undefined,
      () => undefined,
    );
    return this.scheduler.schedule(finished, `${this.who}${label}`).then(() => started);
  }

  async open(file: string, mode: OpenMode): Promise<FileHandle> {
    return new ScheduledHandle(this, file, await this.gate(`open ${file}`, () => this.disk.open(file, mode)));
  }

  readFile(file: string): Promise<Uint8Array> {
    return this.gate(`read ${file}`, () => this.disk.readFile(file));
  }

  rename(from: string, to: string): Promise<void> {
    return this.gate(`rename ${from} ${to}`, () => this.disk.rename(from, to));
  }

  unlink(file: string): Promise<void> {
    return this.gate(`unlink ${file}`, () => this.disk.unlink(file));
  }

  mkdir(dir: string): Promise<void> {
    return this.gate(`mkdir ${dir}`, () => this.disk.mkdir(dir));
  }

  readdir(dir: string): Promise<string[]> {
    return this.gate(`readdir ${dir}`, () => this.disk.readdir(dir));
  }

  syncDir(dir: string): Promise<void> {
    return this.gate(`syncDir ${dir}`, () => this.disk.syncDir(dir));
  }

  stat(file: string): Promise<{ size: number; isDirectory: boolean }> {
    return this.gate(`stat ${file}`, () => this.disk.stat(file));
  }
}

class ScheduledHandle implements FileHandle {
  constructor(
    private readonly fs: ScheduledFileSystem,
    private readonly name: string,
    private readonly handle: FileHandle,
  ) {}

  read(position: number, length: number): Promise<Uint8Array> {
    return this.fs.gate(`read ${this.name}@${position}`, () => this.handle.read(position, length));
  }

  write(position: number, data: Uint8Array): Promise<void> {
    return this.fs.gate(`write ${this.name}@${position}+${data.length}`, () => this.handle.write(position, data));
  }

  append(data: Uint8Array): Promise<number> {
    return this.fs.gate(`append ${this.name}+${data.length}`, () => this.handle.append(data));
  }

  size(): Promise<number> {
    return this.fs.gate(`size ${this.name}`, () => this.handle.size());
  }

  truncate(size: number): Promise<void> {
    return this.fs.gate(`truncate ${this.name} ${size}`, () => this.handle.truncate(size));
  }

  sync(): Promise<void> {
    return this.fs.gate(`sync ${this.name}`, () => this.handle.sync());
  }

  close(): Promise<void> {
    return this.fs.gate(`close ${this.name}`, () => this.handle.close());
  }
}
