// One owner per directory: a file LOCK holding the owner's pid, made with O_EXCL
// ('create-new'), so of two processes creating it at once exactly one succeeds. The owner
// deletes it at close. A process killed with -9 cannot, so a LOCK naming a process that no
// longer runs is stale, and the next open takes it over.
//
// Taking over is the delicate part: "read LOCK, see a dead pid, delete LOCK, create mine" lets
// two newcomers that both saw the dead pid each delete the other's fresh lock and both win.
// So deleting a dead owner's lock is itself done under a lock: LOCK.takeover-<pid>, made with
// O_EXCL. Its holder re-reads LOCK and deletes it only if it still names that dead pid — a LOCK
// once rewritten never names that dead process again, so the check cannot be fooled — and
// everyone then races on O_EXCL again. Keying the marker by the dead pid means a marker left
// by an earlier takeover never blocks a later one. A marker left by a taker that died is
// stale in the same way and is taken over the same way (recursion on the name).
//
// An empty LOCK is the one case where "still the same" cannot be read from the file: its
// creator may be dead, or only between creating it and writing its pid. So it is deleted only
// by the marker's holder, and only after it has stayed empty for EMPTY_LOCK_PATIENCE_MS more
// (twice in all). A creator stalled longer than that between its create and its write loses
// the LOCK; it notices (it re-reads the LOCK after writing) and goes round again. That is a
// timing assumption, the one this protocol makes: a kernel lock (flock) needs none.
//
// This process's own pid in a LOCK means "ours" only if this process made that file (the
// `made` registry): otherwise an earlier process had the same pid — a container restarted as
// pid 1 — and the lock is stale. Other known limits of pid files, as PostgreSQL's: a pid
// reused by an unrelated process after a crash looks alive (the message says how to check
// and remove LOCK by hand), and the lock only works between processes that see the same pids.
// Why not flock/fcntl, as LevelDB and SQLite use (the kernel releases them when the process
// dies)? Node has no binding for them.
//
// Every wait goes through the file system's clock (fs.sleep, fs.now), never setTimeout: on the
// real one that is the same thing, and under the tests' scheduler each sleep is an event the
// test orders, so a lock race runs the same on a loaded machine as on an idle one.

import path from 'node:path';
import type { FileSystem } from '../../stages/file-system.ts';
import { KvError } from '../core/errors.ts';

export const LOCK_FILE = 'LOCK';

/** How long a LOCK must stay empty (its creator between create and write, or dead there) before it counts as abandoned. */
const EMPTY_LOCK_PATIENCE_MS = 200;
/** How long to keep retrying while another live process holds a takeover marker before saying LOCKED. */
const TAKEOVER_PATIENCE_MS = 2_000;
const RETRY_MS = 5;

const encoder = new TextEncoder();

/** Lock files (LOCK and markers) this process made and holds, per file system and pid. */
const made = new WeakMap<FileSystem, Set<string>>();
const madeHere = (fs: FileSystem, file: string) => made.get(fs)?.has(`${fs.pid} ${file}`) ?? false;
function remember(fs: FileSystem, file: string, holding: boolean): void {
  let files = made.get(fs);
  if (files === undefined) made.set(fs, (files = new Set()));
  if (holding) files.add(`${fs.pid} ${file}`);
  else files.delete(`${fs.pid} ${file}`);
}

export class DirectoryLock {
  private released: Promise<void> | undefined;

  private constructor(
    private readonly fs: FileSystem,
    private readonly file: string,
  ) {}

  /** Takes the directory, or rejects with LOCKED naming the process that has it. */
  static async acquire(fs: FileSystem, dir: string): Promise<DirectoryLock> {
    const file = path.join(dir, LOCK_FILE);
    await take(fs, file, dir, fs.now() + TAKEOVER_PATIENCE_MS);
    return new DirectoryLock(fs, file);
  }

  /** Gives the directory back: deletes LOCK if it still names us, and makes that durable. */
  release(): Promise<void> {
    this.released ??= (async () => {
      if ((await readOwner(this.fs, this.file)) !== this.fs.pid || !madeHere(this.fs, this.file)) return; // not ours any more: leave it alone
      await this.fs.unlink(this.file);
      remember(this.fs, this.file, false);
      // Durable, so a reboot does not bring back a LOCK whose pid some new process may reuse.
      await this.fs.syncDir(path.dirname(this.file));
    })();
    return this.released;
  }
}

/** Creates `file` naming this process, taking it over from a dead owner; LOCKED if a live one has it. */
async function take(fs: FileSystem, file: string, dir: string, giveUpAt: number): Promise<void> {
  for (;;) {
    if (await tryCreate(fs, file)) return;
    if (madeHere(fs, file)) throw locked(dir, fs.pid, fs.pid); // this process holds it (or is writing it)
    const owner = await readOwner(fs, file);
    if (owner === 'vanished') continue; // released meanwhile: race for it again
    if (owner === 'empty' && !(await staysEmpty(fs, file))) continue; // its creator was only slow
    const pid = owner === 'empty' ? 0 : owner; // 0: a creator that died before writing its pid
    if (pid !== 0 && pid !== fs.pid && fs.isRunning(pid)) throw locked(dir, pid, fs.pid);
    const marker = `${file}.takeover-${pid}`;
    try {
      await take(fs, marker, dir, giveUpAt);
    } catch (error) {
      if (!(error instanceof KvError && error.code === 'LOCKED') || fs.now() > giveUpAt) throw error;
      await fs.sleep(RETRY_MS); // another process is taking over right now: see who wins
      continue;
    }
    try {
      // Only the marker's holder may delete LOCK, and only if it still names the dead owner.
      const still = await readOwner(fs, file);
      if (still === owner && (owner !== 'empty' || (await staysEmpty(fs, file)))) await fs.unlink(file);
    } finally {
      await fs.unlink(marker).catch(() => undefined);
      remember(fs, marker, false);
    }
  }
}

/** O_EXCL create with our pid in it, synced; false if the name is taken. */
async function tryCreate(fs: FileSystem, file: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'create-new');
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  }
  remember(fs, file, true); // at once, before another call of this process can look at it
  try {
    await handle.write(0, encoder.encode(`${fs.pid}\n`));
    // Synced, so a power cut never leaves an empty LOCK behind (which the next open would have
    // to wait out, not knowing whether its creator is still about to write its pid).
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(file).catch(() => undefined);
    remember(fs, file, false);
    throw error;
  }
  // Still ours? A creator stalled for longer than twice the empty-lock patience may have had
  // its LOCK taken over as abandoned; then it has lost, and goes round again.
  if ((await readOwner(fs, file)) === fs.pid) return true;
  remember(fs, file, false);
  return false;
}

/** Whether `file` is still empty after the patience an empty lock is given. */
async function staysEmpty(fs: FileSystem, file: string): Promise<boolean> {
  for (let waited = 0; waited < EMPTY_LOCK_PATIENCE_MS; waited += RETRY_MS) {
    await fs.sleep(RETRY_MS);
    if ((await readOwner(fs, file)) !== 'empty') return false;
  }
  return true;
}

/** The pid a lock file names; 'empty' if it names none (yet); 'vanished' if it is gone. */
async function readOwner(fs: FileSystem, file: string): Promise<number | 'empty' | 'vanished'> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'vanished';
    throw error;
  }
  const match = /^(\d+)\n/.exec(new TextDecoder().decode(bytes));
  return match === null ? 'empty' : Number(match[1]);
}

function locked(dir: string, owner: number, self: number): KvError {
  if (owner === self) return new KvError('LOCKED', `${dir} is already open in this process (pid ${owner}): close that store first`);
  return new KvError(
    'LOCKED',
    `${dir} is in use by process ${owner} (its ${LOCK_FILE} file says so): close that store first. ` +
      `If no store is running there, ${owner} is another program that reused the pid after a crash: delete ${path.join(dir, LOCK_FILE)}`,
  );
}

