// Stage 08: the directory lock, close(), and a scan that outlives the files it started on.
// Other processes are simulated on one disk (SimFileSystem.spawnProcess): each has its own
// pid and can be killed as kill -9 would; processes.test.ts does the same with real ones.

import { Mismatch, mismatch, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { DelegatingFileSystem, withHandle } from '../../harness/sim-fs/delegating.ts';
import type { SimProcessView } from '../../harness/sim-fs/processes.ts';
import { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { ConcurrentStore, Stage08 } from '../../stages/08-concurrency/contract.ts';
import type { FileHandle, FileSystem } from '../../stages/file-system.ts';
import { b, codeOf, DIR, messageOf, openOrFail, options, overwrite, rule, simDisk, text, within } from './setup.ts';

/** Expects opening to be refused with LOCKED, the message naming `owner`. */
async function expectLocked(open: () => Promise<ConcurrentStore>, owner: number, doing: string): Promise<void> {
  let store: ConcurrentStore | undefined;
  try {
    store = await open();
  } catch (error) {
    if (codeOf(error) !== 'LOCKED') throw mismatch(doing, 'openStore rejects with code LOCKED', `${show(error)} (code ${show(codeOf(error))})`);
    if (!new RegExp(`\\b${owner}\\b`).test(messageOf(error))) throw mismatch(doing, `the LOCKED message names the owner's pid, ${owner}`, JSON.stringify(messageOf(error)));
    return;
  }
  await store.close().catch(() => undefined);
  throw mismatch(doing, `openStore rejects with code LOCKED (pid ${owner} has the directory open)`, `it opened — two stores now write the same files (is the owner's liveness asked of fs.isRunning(pid)? the tests' processes are simulated)`);
}

async function expectClosed(call: () => unknown, doing: string): Promise<void> {
  try {
    const outcome = call();
    if (outcome !== null && typeof outcome === 'object' && Symbol.asyncIterator in outcome) {
      for await (const entry of outcome as AsyncIterable<unknown>) void entry;
    } else {
      await outcome;
    }
  } catch (error) {
    if (codeOf(error) === 'CLOSED') return;
    throw mismatch(doing, 'an error with code CLOSED', `${show(error)} (code ${show(codeOf(error))})`);
  }
  throw mismatch(doing, 'an error with code CLOSED', 'no error');
}

rule('08-E01', 'a second open of a directory in use, in the same process, is refused with LOCKED naming the pid; close() frees it', 'One owner per directory', async (stage) => {
  const fs = simDisk();
  const first = await openOrFail(stage, options(fs), 'opening a new store');
  await first.put(b('k'), b('v'));
  await expectLocked(() => stage.openStore(options(fs)), fs.pid, 'opening the directory again while the first store is open');
  if (!(await fs.readdir(DIR)).includes('LOCK')) throw mismatch('while a store is open', `a file ${DIR}/LOCK (the spec's lock file)`, `the directory holds ${(await fs.readdir(DIR)).join(', ')}`);
  const lock = new TextDecoder().decode(await fs.readFile(`${DIR}/LOCK`));
  if (!lock.startsWith(`${fs.pid}\n`)) throw mismatch('while a store is open', `LOCK holds the owner's pid and a newline, "${fs.pid}\\n"`, JSON.stringify(lock));
  await first.close();
  if ((await fs.readdir(DIR)).includes('LOCK')) throw mismatch('after close()', 'the LOCK file is gone', `it is still there, holding ${JSON.stringify(lock)}`);
  const second = await openOrFail(stage, options(fs), 'opening the directory after the first store closed');
  const value = text(await second.get(b('k')));
  await second.close();
  if (value !== 'v') throw mismatch('after close and reopen: get k', '"v"', show(value));
});

/** Process A opens a new store on `fs` and puts a0 … a19 (acknowledged); returns A, still running. */
async function openedByAnotherProcess(stage: Stage08, fs: SimFileSystem): Promise<SimProcessView> {
  const other = fs.spawnProcess();
  const theirs = await openOrFail(stage, options(other), 'process A opening a new store');
  for (let i = 0; i < 20; i++) await theirs.put(b(`a${i}`), b(`from A ${i}`));
  return other;
}

rule('08-E02', "another process's lock is respected while it runs: the open is refused with LOCKED naming its pid", 'One owner per directory', async (stage) => {
  const fs = simDisk();
  const other = await openedByAnotherProcess(stage, fs);
  await expectLocked(() => stage.openStore(options(fs)), other.pid, `process B opening the directory process A (pid ${other.pid}) has open`);
});

rule('08-E06', 'a stale LOCK, naming a process that is not running (killed, or a pid written by hand), is taken over', 'One owner per directory', async (stage) => {
  const fs = simDisk();
  const other = await openedByAnotherProcess(stage, fs);
  other.kill(); // kill -9: A's files stay as they are (no power loss), its LOCK names a dead pid
  const ours = await openOrFail(stage, options(fs), `process B opening the directory after process A (pid ${other.pid}) was killed`);
  for (let i = 0; i < 20; i++) {
    const value = text(await ours.get(b(`a${i}`)));
    if (value !== `from A ${i}`) throw mismatch(`after taking over from killed process A: get a${i}`, `"from A ${i}" (A had it acknowledged)`, show(value));
  }
  await ours.close();
  // A LOCK left by a process that died, written by hand: the next open takes it over.
  const ghost = fs.spawnProcess();
  ghost.kill();
  await overwrite(fs, `${DIR}/LOCK`, b(`${ghost.pid}\n`));
  const again = await openOrFail(stage, options(fs), `opening with a LOCK that names pid ${ghost.pid}, a process that is not running`);
  const lock = new TextDecoder().decode(await fs.readFile(`${DIR}/LOCK`));
  await again.close();
  if (!lock.startsWith(`${fs.pid}\n`)) throw mismatch('after taking over a stale lock', `LOCK names the new owner, "${fs.pid}\\n"`, JSON.stringify(lock));
});

/** A disk whose reads take a few milliseconds while `slow`: calls are mid-I/O when close() comes. */
class SlowReadDisk extends DelegatingFileSystem {
  slow = false;
  private pause = () => (this.slow ? new Promise<void>((resolve) => setTimeout(resolve, 2)) : Promise.resolve());
  protected override handle(_file: string, handle: FileHandle): FileHandle {
    return withHandle(handle, { read: async (position, length) => (await this.pause(), handle.read(position, length)) });
  }
  override async readFile(file: string): Promise<Uint8Array> {
    await this.pause();
    return this.inner.readFile(file);
  }
}

const keyAt = (i: number) => `k${String(i).padStart(3, '0')}`;

/**
 * What close() meets: 300 keys a checkpoint put on disk (gets read files), a scan begun and left
 * open after its first entry, and a transaction begun with a staged write, never committed.
 */
async function beforeClose(stage: Stage08) {
  const fs = new SlowReadDisk(simDisk());
  const store = await openOrFail(stage, options(fs), 'opening a new store');
  for (let i = 0; i < 300; i++) await store.put(b(keyAt(i)), b(`v${i}`.padEnd(100, '.')));
  await store.checkpoint();
  const scan = store.scan()[Symbol.asyncIterator]();
  await scan.next();
  const tx = store.begin();
  await tx.put(b('tx'), b('staged'));
  return { fs, store, scan, tx };
}

rule('08-E03', 'close() waits for the calls in flight, and a second close() settles with the first', 'Closing', async (stage) => {
  const { fs, store } = await beforeClose(stage);
  fs.slow = true; // from now on every read takes a few ms: the gets below are mid-read when close() comes
  const events: string[] = [];
  const inFlight = [
    ...Array.from({ length: 40 }, (_, i) => store.put(b(`late${i}`), b(`x${i}`))),
    ...Array.from({ length: 20 }, (_, i) => store.get(b(keyAt(i * 15))).then((value) => {
      if (!text(value)?.startsWith(`v${i * 15}.`)) throw new Error(`get ${keyAt(i * 15)} returned ${show(text(value))}`);
    })),
  ].map((call) => call.finally(() => events.push('call')));
  // Two close() calls while calls are in flight: both must settle, after every one of them.
  await within(Promise.all([store.close(), store.close()]), 5_000, 'close() called twice while 60 calls were in flight (does the second replace what the first waits on?)');
  events.push('close');
  fs.slow = false;
  const settled = await Promise.allSettled(inFlight);
  const failed = settled.filter((outcome) => outcome.status === 'rejected');
  if (failed.length > 0) throw mismatch('60 calls made before close(), 20 of them gets in the middle of reading a file', 'they complete (close waits for them)', `${failed.length} rejected, e.g. ${show((failed[0] as PromiseRejectedResult).reason)}`);
  const early = events.indexOf('close');
  if (early < inFlight.length) throw mismatch('60 calls made before close()', 'close() resolves after every one of them settled', `it resolved when ${early} of them had: it closed the files under the others`);
  await store.close(); // a third close, after the first resolved, is fine
  const reopened = await openOrFail(stage, options(fs), 'reopening after close()');
  const missing: string[] = [];
  for (let i = 0; i < 40; i++) if (text(await reopened.get(b(`late${i}`))) !== `x${i}`) missing.push(`late${i}`);
  const staged = text(await reopened.get(b('tx')));
  await reopened.close();
  if (missing.length > 0) throw mismatch('after reopening', 'every put that resolved before close() returned', `missing ${missing.join(', ')}`);
  if (staged !== undefined) throw mismatch('after reopening', 'the write of a transaction that never committed is not there', `tx = ${show(staged)}`);
});

rule('08-E07', 'every call after close() rejects with CLOSED, a transaction\'s calls and the next step of an earlier scan included', 'Closing', async (stage) => {
  const { store, scan, tx } = await beforeClose(stage);
  await within(store.close(), 5_000, 'close() with a scan and a transaction begun before it and left open (neither is a call in flight)');
  await expectClosed(() => store.get(b('k000')), 'get after close()');
  await expectClosed(() => store.put(b('k000'), b('x')), 'put after close()');
  await expectClosed(() => store.delete(b('k000')), 'delete after close()');
  await expectClosed(() => store.scan(), 'scan after close()');
  await expectClosed(() => store.flush(), 'flush after close()');
  await expectClosed(() => store.checkpoint(), 'checkpoint after close()');
  await expectClosed(() => store.stats(), 'stats after close()');
  await expectClosed(() => store.begin(), 'begin after close()');
  await expectClosed(() => scan.next(), 'the next step of a scan begun before close()');
  await expectClosed(() => tx.put(b('tx2'), b('x')), 'put in a transaction begun before close()');
  await expectClosed(() => tx.commit(), 'commit of a transaction begun before close()');
});

rule('08-E04', 'a scan begun before many flushes and compactions reads its snapshot to the end, from the files it started on', 'Scans read one snapshot', async (stage) => {
  const fs = simDisk();
  const store = await openOrFail(stage, options(fs), 'opening a new store');
  const expected: string[] = [];
  for (let i = 0; i < 60; i++) {
    const key = `s${String(i).padStart(2, '0')}`;
    await store.put(b(key), b(`${key}:`.padEnd(900, 'o')));
    expected.push(key);
    if (i % 15 === 14) await store.flush();
  }
  const scan = store.scan()[Symbol.asyncIterator]();
  const seen: string[] = [];
  const first = await scan.next();
  if (first.done !== true) seen.push(text(first.value.key)!);
  // Rewrite everything and delete half, flushing as we go: tables and pages are replaced,
  // compacted and freed while the scan has read one entry.
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 60; i++) {
      const key = `s${String(i).padStart(2, '0')}`;
      if (i % 2 === 0) await store.delete(b(key));
      else await store.put(b(key), b(`round ${round}`.padEnd(900, 'x')));
    }
    await store.flush();
    for (let turn = 0; turn < 50; turn++) await new Promise((resolve) => setImmediate(resolve));
  }
  try {
    for (let next = await scan.next(); next.done !== true; next = await scan.next()) {
      const key = text(next.value.key)!;
      if (!text(next.value.value)!.startsWith(`${key}:`)) throw mismatch('a scan begun before the rewrites', `${key} with its value from when the scan began`, `${show(text(next.value.value)!.slice(0, 12))}…`);
      seen.push(key);
    }
  } catch (error) {
    if (error instanceof Mismatch) throw error;
    throw mismatch('a scan begun before flushes and compactions, read on after them', 'it reads on from the files it started on', `${show(error)} — was a file it still reads closed or deleted under it?`);
  }
  await store.close();
  if (seen.join() !== expected.join()) throw mismatch('a scan begun before the rewrites', `the ${expected.length} keys of its snapshot`, `${seen.length} keys: ${seen.slice(0, 8).join(', ')}…`);
});

rule('08-E05', 'an empty LOCK (its creator died between creating it and writing its pid) is taken over within a second, by exactly one of two processes opening at once', 'One owner per directory', async (stage) => {
  for (let seed = 1; seed <= 4; seed++) {
    const fs = new SimFileSystem({ seed, jitter: true }); // operations finish out of order
    await fs.mkdir(DIR);
    await overwrite(fs, `${DIR}/LOCK`, new Uint8Array(0));
    const [a, b2] = [fs.spawnProcess(), fs.spawnProcess()];
    const started = Date.now();
    const outcomes = await within(
      Promise.allSettled([stage.openStore(options(a)), stage.openStore(options(b2))]),
      5_000,
      'two processes opening a directory with an empty LOCK',
    );
    for (const o of outcomes) if (o.status === 'rejected') rethrowStub(o.reason);
    const seconds = (Date.now() - started) / 1000;
    const opened = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ store: o.value, pid: [a, b2][i]!.pid }] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    for (const { store } of opened) await store.close();
    const said = outcomes.map((o, i) => `${[a, b2][i]!.pid}: ${o.status === 'fulfilled' ? 'opened it' : `${show(codeOf(o.reason))} ${messageOf(o.reason)}`}`).join('; ');
    if (opened.length !== 1) throw mismatch(`two processes opening a directory whose LOCK is empty (seed ${seed})`, 'exactly one opens it (an empty LOCK is stale once it stays empty), the other gets LOCKED', said);
    if (codeOf(refused[0]) !== 'LOCKED' || !new RegExp(`\\b${opened[0]!.pid}\\b`).test(messageOf(refused[0]))) throw mismatch(`two processes opening a directory whose LOCK is empty (seed ${seed})`, `the loser gets LOCKED naming the winner, pid ${opened[0]!.pid}`, said);
    if (seconds > 1.5) throw mismatch('two processes opening a directory whose LOCK is empty', 'an empty LOCK counts as stale within a second', `the opens took ${seconds.toFixed(1)} s`);
  }
  // A newcomer slow to write its pid into the LOCK it just made (its disk stalls for 0.15 s) must
  // not be robbed of it by the other, which sees that new LOCK empty too and has waited already.
  const fs = simDisk();
  await fs.mkdir(DIR);
  await overwrite(fs, `${DIR}/LOCK`, new Uint8Array(0));
  const slow = new SlowLockWrites(fs.spawnProcess(), 150);
  const quick = fs.spawnProcess();
  // The slow one starts first, so it is the first to give up waiting and take the LOCK over.
  const first = stage.openStore(options(slow));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const outcomes = await within(Promise.allSettled([first, stage.openStore(options(quick))]), 8_000, 'two processes opening a directory with an empty LOCK, one slow to write');
  for (const o of outcomes) if (o.status === 'rejected') rethrowStub(o.reason);
  const winners = outcomes.filter((o) => o.status === 'fulfilled');
  for (const o of winners) await (o as PromiseFulfilledResult<ConcurrentStore>).value.close();
  if (winners.length !== 1) {
    const said = outcomes.map((o, i) => `${[slow, quick][i]!.pid}: ${o.status === 'fulfilled' ? 'opened it' : `${show(codeOf(o.reason))} ${messageOf(o.reason)}`}`).join('; ');
    throw mismatch('two processes opening a directory whose LOCK is empty, one of them slow to write its pid into the LOCK it makes', 'exactly one opens it: a LOCK is deleted as stale only once it stayed empty for the whole wait, seen by whoever holds the right to delete it', said);
  }
});

/** A process whose writes to a file named LOCK take `ms` (a stalled disk, a descheduled process). */
class SlowLockWrites extends DelegatingFileSystem {
  constructor(
    process: FileSystem,
    private readonly ms: number,
  ) {
    super(process);
  }
  protected override handle(file: string, handle: FileHandle): FileHandle {
    if (!file.endsWith('/LOCK')) return handle;
    const write = async (position: number, data: Uint8Array) => {
      await new Promise((resolve) => setTimeout(resolve, this.ms));
      return handle.write(position, data);
    };
    return withHandle(handle, { write });
  }
}
