// Stage 08: the directory lock, close(), and a scan that outlives the files it started on.
// Other processes are simulated on one disk (SimFileSystem.spawnProcess): each has its own
// pid and can be killed as kill -9 would; processes.test.ts does the same with real ones.

import { Mismatch } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import type { ConcurrentStore } from '../../stages/08-concurrency/contract.ts';
import { b, codeOf, DIR, messageOf, openOrFail, options, rule, simDisk, text } from './setup.ts';

/** Expects opening to be refused with LOCKED, the message naming `owner`. */
async function expectLocked(open: () => Promise<ConcurrentStore>, owner: number, doing: string): Promise<void> {
  let store: ConcurrentStore | undefined;
  try {
    store = await open();
  } catch (error) {
    if (codeOf(error) !== 'LOCKED') throw new Mismatch(`${doing}\n  expected: openStore rejects with code LOCKED\n  received: ${show(error)} (code ${show(codeOf(error))})`);
    if (!new RegExp(`\\b${owner}\\b`).test(messageOf(error))) throw new Mismatch(`${doing}\n  expected: the LOCKED message names the owner's pid, ${owner}\n  received: ${JSON.stringify(messageOf(error))}`);
    return;
  }
  await store.close().catch(() => undefined);
  throw new Mismatch(`${doing}\n  expected: openStore rejects with code LOCKED (pid ${owner} has the directory open)\n  received: it opened — two stores now write the same files`);
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
    throw new Mismatch(`${doing}\n  expected: an error with code CLOSED\n  received: ${show(error)} (code ${show(codeOf(error))})`);
  }
  throw new Mismatch(`${doing}\n  expected: an error with code CLOSED\n  received: no error`);
}

rule('08-E01', 'a second open of a directory in use, in the same process, is refused with LOCKED naming the pid; close() frees it', 'One owner per directory', async (stage) => {
  const fs = simDisk();
  const first = await openOrFail(stage, options(fs), 'opening a new store');
  await first.put(b('k'), b('v'));
  await expectLocked(() => stage.openStore(options(fs)), fs.pid, 'opening the directory again while the first store is open');
  if (!(await fs.readdir(DIR)).includes('LOCK')) throw new Mismatch(`while a store is open\n  expected: a file ${DIR}/LOCK (the spec's lock file)\n  received: the directory holds ${(await fs.readdir(DIR)).join(', ')}`);
  const lock = new TextDecoder().decode(await fs.readFile(`${DIR}/LOCK`));
  if (!lock.startsWith(`${fs.pid}\n`)) throw new Mismatch(`while a store is open\n  expected: LOCK holds the owner's pid and a newline, "${fs.pid}\\n"\n  received: ${JSON.stringify(lock)}`);
  await first.close();
  if ((await fs.readdir(DIR)).includes('LOCK')) throw new Mismatch(`after close()\n  expected: the LOCK file is gone\n  received: it is still there, holding ${JSON.stringify(lock)}`);
  const second = await openOrFail(stage, options(fs), 'opening the directory after the first store closed');
  const value = text(await second.get(b('k')));
  await second.close();
  if (value !== 'v') throw new Mismatch(`after close and reopen: get k\n  expected: "v"\n  received: ${show(value)}`);
});

rule('08-E02', "another process's lock is respected while it runs, and taken over once it is killed; a stale LOCK from a dead pid is taken over", 'One owner per directory', async (stage) => {
  const fs = simDisk();
  const other = fs.spawnProcess();
  const theirs = await openOrFail(stage, options(other), 'process A opening a new store');
  for (let i = 0; i < 20; i++) await theirs.put(b(`a${i}`), b(`from A ${i}`));
  await expectLocked(() => stage.openStore(options(fs)), other.pid, `process B opening the directory process A (pid ${other.pid}) has open`);
  other.kill(); // kill -9: A's files stay as they are (no power loss), its LOCK names a dead pid
  const ours = await openOrFail(stage, options(fs), `process B opening the directory after process A (pid ${other.pid}) was killed`);
  for (let i = 0; i < 20; i++) {
    const value = text(await ours.get(b(`a${i}`)));
    if (value !== `from A ${i}`) throw new Mismatch(`after taking over from killed process A: get a${i}\n  expected: "from A ${i}" (A had it acknowledged)\n  received: ${show(value)}`);
  }
  await ours.close();
  // A LOCK left by a process that died, written by hand: the next open takes it over.
  const ghost = fs.spawnProcess();
  ghost.kill();
  const planted = await fs.open(`${DIR}/LOCK`, 'create');
  await planted.write(0, b(`${ghost.pid}\n`));
  await planted.close();
  const again = await openOrFail(stage, options(fs), `opening with a LOCK that names pid ${ghost.pid}, a process that is not running`);
  const lock = new TextDecoder().decode(await fs.readFile(`${DIR}/LOCK`));
  await again.close();
  if (!lock.startsWith(`${fs.pid}\n`)) throw new Mismatch(`after taking over a stale lock\n  expected: LOCK names the new owner, "${fs.pid}\\n"\n  received: ${JSON.stringify(lock)}`);
});

rule('08-E03', 'close() waits for the calls in flight; every call after it, and the next step of a scan begun before it, rejects with CLOSED', 'Closing', async (stage) => {
  const fs = simDisk();
  const store = await openOrFail(stage, options(fs), 'opening a new store');
  for (let i = 0; i < 30; i++) await store.put(b(`k${String(i).padStart(2, '0')}`), b(`v${i}`));
  const scan = store.scan()[Symbol.asyncIterator]();
  await scan.next();
  const tx = store.begin();
  await tx.put(b('tx'), b('staged'));
  const inFlight = Array.from({ length: 40 }, (_, i) => store.put(b(`late${i}`), b(`x${i}`)));
  const gets = Array.from({ length: 10 }, (_, i) => store.get(b(`k0${i}`)));
  // Two close() calls while calls are in flight: both must settle once they have.
  const closes = await Promise.race([
    Promise.all([store.close(), store.close()]).then(() => 'settled'),
    new Promise((resolve) => setTimeout(() => resolve('pending'), 5_000)),
  ]);
  if (closes !== 'settled') throw new Mismatch('close() called twice while 50 calls were in flight\n  expected: both calls settle once the calls in flight have\n  received: after 5 s, at least one has not settled (does the second close() replace what the first waits on?)');
  const settled = await Promise.allSettled([...inFlight, ...gets]);
  const failed = settled.filter((outcome) => outcome.status === 'rejected');
  if (failed.length > 0) throw new Mismatch(`calls made before close()\n  expected: they complete (close waits for them)\n  received: ${failed.length} rejected, e.g. ${show((failed[0] as PromiseRejectedResult).reason)}`);
  await expectClosed(() => store.get(b('k00')), 'get after close()');
  await expectClosed(() => store.put(b('k00'), b('x')), 'put after close()');
  await expectClosed(() => store.delete(b('k00')), 'delete after close()');
  await expectClosed(() => store.scan(), 'scan after close()');
  await expectClosed(() => store.flush(), 'flush after close()');
  await expectClosed(() => store.begin(), 'begin after close()');
  await expectClosed(() => scan.next(), 'the next step of a scan begun before close()');
  await expectClosed(() => tx.commit(), 'commit of a transaction begun before close()');
  await store.close(); // a second close is fine
  const reopened = await openOrFail(stage, options(fs), 'reopening after close()');
  const missing: string[] = [];
  for (let i = 0; i < 40; i++) if (text(await reopened.get(b(`late${i}`))) !== `x${i}`) missing.push(`late${i}`);
  const staged = text(await reopened.get(b('tx')));
  await reopened.close();
  if (missing.length > 0) throw new Mismatch(`after reopening\n  expected: every put that resolved before close() returned\n  received: missing ${missing.join(', ')}`);
  if (staged !== undefined) throw new Mismatch(`after reopening\n  expected: the write of a transaction that never committed is not there\n  received: tx = ${show(staged)}`);
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
      if (!text(next.value.value)!.startsWith(`${key}:`)) throw new Mismatch(`a scan begun before the rewrites\n  expected: ${key} with its value from when the scan began\n  received: ${show(text(next.value.value)!.slice(0, 12))}…`);
      seen.push(key);
    }
  } catch (error) {
    if (error instanceof Mismatch) throw error;
    throw new Mismatch(`a scan begun before flushes and compactions, read on after them\n  expected: it reads on from the files it started on\n  received: ${show(error)} — was a file it still reads closed or deleted under it?`);
  }
  await store.close();
  if (seen.join() !== expected.join()) throw new Mismatch(`a scan begun before the rewrites\n  expected: the ${expected.length} keys of its snapshot\n  received: ${seen.length} keys: ${seen.slice(0, 8).join(', ')}…`);
});
