// A simulated file system that knows what a power loss keeps. Per file it holds what a read
// sees and, apart, what is durable (the content at the last sync, plus the writes since then,
// kept as a list so a crash can tear them). Per directory it holds the names a lookup sees and,
// apart, the names that are durable (as of the directory's last syncDir): a create, rename or
// unlink that was never followed by syncDir is forgotten by a crash. It can also fail chosen
// operations (faults.ts) and cut the power at a chosen operation, for crash-at-every-step tests.
//
// Models: LevelDB's fault-injection Env and SQLite's crash-test VFS — but writes here can tear
// (a sector of garbage), and unsynced renames and unlinks are undone, which neither does.

import path from 'node:path';
import type { FileHandle, FileSystem, OpenMode } from '../../stages/file-system.ts';
import { FaultPlan, type FaultRule, type OpKind } from './faults.ts';
import type { PendingOp } from './bytes.ts';
import { describeUnsynced, listFiles, SimDir, SimFile, type SimNode } from './nodes.ts';
import { Rng } from './rng.ts';
import { SimProcesses, SimProcessView } from './processes.ts';
import { SimError } from './sim-errors.ts';

export { SimError } from './sim-errors.ts';

export const SECTOR = 512;


/** What a crash keeps of the writes since the last sync. */
export type CrashMode =
  /** only what was synced: a power loss with no luck at all */
  | 'durable'
  /** each pending write is kept, dropped, or kept with garbage in one 512-byte sector of the range it wrote */
  | 'torn'
  /** every write, synced or not: what kill -9 of a process leaves (the page cache survives) */
  | 'everything';

export interface SimOptions {
  /** Seed for tearing; the same seed tears the same way. */
  seed?: number;
  /**
   * Let file operations finish out of order, as concurrent I/O does: each write, append,
   * truncate and sync waits 0–2 turns of the event loop (seeded) before it happens.
   */
  jitter?: boolean;
}

export class SimFileSystem implements FileSystem {
  private root = new SimDir();
  private readonly rng: Rng;
  readonly faults = new FaultPlan();
  /** Bumped by every crash: handles from an earlier generation are stale. */
  private generation = 0;
  private powerCutAt: number | undefined;
  private powerIsOut = false;
  /** Operations that change or sync state, counted for powerCutAt. */
  mutatingOps = 0;
  /** Successful file syncs so far: group commit shows up here. */
  syncCount = 0;
  /** The operation the power went out on, e.g. "rename /db/snapshot.db.tmp -> /db/snapshot.db". */
  cutDuring: string | undefined;
  /**
   * Every call that reached the disk (power on, handle valid), reads included: the steps that
   * fault messages number (crash-points.ts describeStep), and what a fault rule's `nth` counts.
   */
  operations = 0;
  /** The index, in `operations`, of the call the power went out on. */
  cutAtOperation: number | undefined;
  /** The calls an injected fault failed, in order: their index in `operations`, what, and the code. */
  readonly faultLog: Array<{ operation: number; what: string; code: string }> = [];
  /** What the last crash dropped (set by recover()), each with its likely cause. */
  lostAtCrash: string[] = [];

  private readonly jitterRng: Rng | undefined;
  private readonly processes = new SimProcesses();

  constructor(options: SimOptions = {}) {
    this.rng = new Rng(options.seed ?? 1);
    this.jitterRng = options.jitter ? new Rng((options.seed ?? 1) ^ 0x5bd1e995) : undefined;
  }

  /** With jitter on, a few turns of the event loop; otherwise nothing. */
  async delay(): Promise<void> {
    if (this.jitterRng === undefined) return;
    for (let turns = this.jitterRng.int(3); turns > 0; turns--) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Fail operations: see FaultRule. */
  inject(rule: FaultRule): void {
    this.faults.add(rule);
  }

  /**
   * Cuts the power just before the n-th operation that writes, truncates, syncs, creates,
   * renames or removes (counting from 0): it and every later call fail with ECRASHED, until
   * recover(). Run a workload once to learn its count (`mutatingOps`), then cut at each step.
   */
  cutPowerAt(n: number): void {
    this.powerCutAt = n;
    this.cutDuring = this.cutAtOperation = undefined;
  }

  get crashed(): boolean {
    return this.powerIsOut;
  }

  /** Cuts the power now. */
  cutPower(): void {
    this.powerIsOut = true;
  }

  /**
   * Reboots after a crash (or crashes now, if the power is still on): keeps what `mode` says
   * of every file, forgets every name that was never made durable, invalidates open handles.
   */
  recover(mode: CrashMode = 'durable'): void {
    this.lostAtCrash = mode === 'everything' ? [] : describeUnsynced(this.root);
    this.root = this.rebuild(this.root, mode, new Map());
    this.generation++;
    this.processes.reboot(); // the power cut killed every process
    this.powerIsOut = false;
    this.powerCutAt = undefined;
  }

  private rebuild(dir: SimDir, mode: CrashMode, done: Map<SimNode, SimNode>): SimDir {
    const out = new SimDir();
    const names = mode === 'everything' ? dir.entries : dir.durable;
    for (const [name, node] of names) {
      let copy = done.get(node);
      if (copy === undefined) {
        copy = node instanceof SimDir ? this.rebuild(node, mode, done) : this.survivor(node, mode);
        done.set(node, copy);
      }
      out.entries.set(name, copy);
      out.durable.set(name, copy);
    }
    return out;
  }

  private survivor(file: SimFile, mode: CrashMode): SimFile {
    const data = file.durable.copy();
    for (const op of file.pending) {
      const fate = mode === 'everything' ? 'keep' : mode === 'durable' ? 'drop' : this.rng.pick(['keep', 'drop', 'garble'] as const);
      if (fate === 'drop') continue;
      data.apply(op);
      if (fate === 'garble' && op.kind === 'write') {
        const first = Math.floor(op.offset / SECTOR);
        const last = Math.floor((op.offset + Math.max(op.bytes.length, 1) - 1) / SECTOR);
        // Only the bytes this write covers in that sector: bytes synced earlier stay intact.
        const sectorStart = (first + this.rng.int(last - first + 1)) * SECTOR;
        const start = Math.max(sectorStart, op.offset);
        const end = Math.min(sectorStart + SECTOR, op.offset + op.bytes.length, data.length);
        if (end > start) data.write(start, this.rng.bytes(end - start));
      }
    }
    const out = new SimFile();
    out.data = data;
    out.durable = data.copy();
    return out;
  }

  // ---- processes (stage 08's lock files) ----

  /** This disk's own process: a new one after every reboot. */
  get pid(): number {
    return this.processes.main;
  }

  isRunning(pid: number): boolean {
    return this.processes.isRunning(pid);
  }

  now = (): number => Date.now(); // real time: a ScheduledFileSystem over the disk keeps a logical clock
  sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /** Another process on this disk: the same files, its own pid; `kill()` it as kill -9 would. */
  spawnProcess(): SimProcessView {
    return new SimProcessView(this, this.processes, this.processes.start());
  }

  // ---- the FileSystem interface ----

  async open(file: string, mode: OpenMode): Promise<FileHandle> {
    const creates = mode === 'create' || mode === 'create-new';
    this.begin('open', file, creates);
    const { dir, name } = this.parent(file);
    let node = dir.entries.get(name);
    if (node instanceof SimDir) throw new SimError('EISDIR', `open ${file}: is a directory`);
    if (node !== undefined && mode === 'create-new') throw new SimError('EEXIST', `open ${file}: file exists`);
    if (node === undefined) {
      if (!creates) throw new SimError('ENOENT', `open ${file}: no such file`);
      node = new SimFile();
      dir.entries.set(name, node);
    }
    return new SimHandle(this, node, file, mode === 'read', this.generation);
  }

  async readFile(file: string): Promise<Uint8Array> {
    this.begin('read', file, false);
    const node = this.lookup(file);
    if (node instanceof SimDir) throw new SimError('EISDIR', `read ${file}: is a directory`);
    return node.data.view().slice();
  }

  async rename(from: string, to: string): Promise<void> {
    this.begin('rename', `${from} -> ${to}`, true);
    const source = this.parent(from);
    const node = source.dir.entries.get(source.name);
    if (node === undefined) throw new SimError('ENOENT', `rename ${from}: no such file`);
    const target = this.parent(to);
    const existing = target.dir.entries.get(target.name);
    if (existing instanceof SimDir && !(node instanceof SimDir)) throw new SimError('EISDIR', `rename to ${to}: is a directory`);
    source.dir.entries.delete(source.name);
    target.dir.entries.set(target.name, node);
    node.renamedFrom = from;
  }

  async unlink(file: string): Promise<void> {
    this.begin('unlink', file, true);
    const { dir, name } = this.parent(file);
    const node = dir.entries.get(name);
    if (node === undefined) throw new SimError('ENOENT', `unlink ${file}: no such file`);
    if (node instanceof SimDir) throw new SimError('EISDIR', `unlink ${file}: is a directory`);
    dir.entries.delete(name);
  }

  async mkdir(dirPath: string): Promise<void> {
    this.begin('mkdir', dirPath, true);
    let dir = this.root;
    for (const part of parts(dirPath)) {
      const next = dir.entries.get(part);
      if (next instanceof SimFile) throw new SimError('ENOTDIR', `mkdir ${dirPath}: ${part} is a file`);
      if (next === undefined) {
        const created = new SimDir();
        dir.entries.set(part, created);
        dir = created;
      } else {
        dir = next;
      }
    }
  }

  async readdir(dirPath: string): Promise<string[]> {
    this.begin('readdir', dirPath, false);
    const node = this.lookup(dirPath);
    if (!(node instanceof SimDir)) throw new SimError('ENOTDIR', `readdir ${dirPath}: not a directory`);
    return [...node.entries.keys()].sort();
  }

  async syncDir(dirPath: string): Promise<void> {
    this.begin('syncDir', dirPath, true);
    const node = this.lookup(dirPath);
    if (!(node instanceof SimDir)) throw new SimError('ENOTDIR', `syncDir ${dirPath}: not a directory`);
    node.durable = new Map(node.entries);
  }

  async stat(file: string): Promise<{ size: number; isDirectory: boolean }> {
    this.begin('stat', file, false);
    const node = this.lookup(file);
    return node instanceof SimDir ? { size: 0, isDirectory: true } : { size: node.data.length, isDirectory: false };
  }

  // ---- used by handles ----

  /** Every operation starts here: power state, the power cut, and injected faults. */
  begin(op: OpKind, target: string, mutating: boolean, generation = this.generation): void {
    if (this.powerIsOut) throw new SimError('ECRASHED', `${op} ${target}: the power is out (call recover())`);
    if (generation !== this.generation) throw new SimError('EBADF', `${op} ${target}: this handle was opened before a crash`);
    const operation = this.operations++;
    if (mutating) {
      if (this.powerCutAt !== undefined && this.mutatingOps >= this.powerCutAt) {
        this.powerIsOut = true;
        this.cutDuring = `${op} ${target}`;
        this.cutAtOperation = operation;
        throw new SimError('ECRASHED', `${op} ${target}: the power went out`);
      }
      this.mutatingOps++;
    }
    const fault = this.faults.check(op);
    if (fault !== undefined) {
      this.faultLog.push({ operation, what: `${op} ${target}`, code: fault });
      throw new SimError(fault, `${op} ${target}: injected fault`);
    }
  }

  /** Applies a write or truncate to what reads see, and queues it for the next sync. */
  applyOp(file: SimFile, op: PendingOp): void {
    file.data.apply(op);
    file.pending.push(op);
  }

  /** A successful sync replays the pending operations onto the durable image. */
  applySync(file: SimFile): void {
    this.syncCount++;
    for (const op of file.pending) file.durable.apply(op);
    file.pending = [];
  }

  /**
   * A failed sync loses the pending writes for good, as Linux does (fsyncgate): reads still
   * see them, but no later sync will make them durable. Retrying fsync and carrying on is a bug.
   */
  failSync(file: SimFile): void {
    file.pending = [];
  }

  private lookup(target: string): SimNode {
    let node: SimNode = this.root;
    for (const part of parts(target)) {
      if (!(node instanceof SimDir)) throw new SimError('ENOTDIR', `${target}: ${part} is under a file`);
      const next: SimNode | undefined = node.entries.get(part);
      if (next === undefined) throw new SimError('ENOENT', `${target}: no such file or directory`);
      node = next;
    }
    return node;
  }

  private parent(target: string): { dir: SimDir; name: string } {
    const all = parts(target);
    const name = all.pop();
    if (name === undefined) throw new SimError('EISDIR', `${target}: is the root directory`);
    const dir = this.lookup(`/${all.join('/')}`);
    if (!(dir instanceof SimDir)) throw new SimError('ENOTDIR', `${target}: parent is not a directory`);
    return { dir, name };
  }

  /** Every file path and its current content: for tests of the simulation itself. */
  snapshot(): Map<string, Uint8Array> {
    return listFiles(this.root);
  }
}

class SimHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly fs: SimFileSystem,
    private readonly file: SimFile,
    private readonly name: string,
    private readonly readOnly: boolean,
    private readonly generation: number,
  ) {}

  private begin(op: OpKind, mutating: boolean): void {
    if (this.closed) throw new SimError('EBADF', `${op} ${this.name}: handle is closed`);
    this.fs.begin(op, this.name, mutating, this.generation);
    if (mutating && this.readOnly && op !== 'sync') throw new SimError('EBADF', `${op} ${this.name}: opened for reading only`);
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    this.begin('read', false);
    return this.file.data.view().slice(position, Math.min(this.file.data.length, position + length));
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    await this.fs.delay();
    this.begin('write', true);
    this.fs.applyOp(this.file, { kind: 'write', offset: position, bytes: data.slice() });
  }

  async append(data: Uint8Array): Promise<number> {
    // No delay before an append: its position is its place in the call order.
    this.begin('append', true);
    const position = this.file.data.length;
    this.fs.applyOp(this.file, { kind: 'write', offset: position, bytes: data.slice() });
    return position;
  }

  async size(): Promise<number> {
    this.begin('stat', false);
    return this.file.data.length;
  }

  async truncate(size: number): Promise<void> {
    await this.fs.delay();
    this.begin('truncate', true);
    this.fs.applyOp(this.file, { kind: 'truncate', size });
  }

  async sync(): Promise<void> {
    await this.fs.delay();
    try {
      this.begin('sync', true);
    } catch (error) {
      if (error instanceof SimError && (error.code === 'EIO' || error.code === 'ENOSPC')) this.fs.failSync(this.file);
      throw error;
    }
    this.fs.applySync(this.file);
  }

  /** Not a step: fails only when a fault rule names 'close' (the handle is closed all the same). */
  async close(): Promise<void> {
    this.closed = true;
    const fault = this.fs.faults.check('close');
    if (fault === undefined) return;
    this.fs.faultLog.push({ operation: this.fs.operations, what: `close ${this.name}`, code: fault });
    throw new SimError(fault, `close ${this.name}: injected fault`);
  }
}

function parts(target: string): string[] {
  return path.posix.resolve('/', target).split('/').filter(Boolean);
}
