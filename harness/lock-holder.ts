// A process that holds a stage 08 store open, for the suite's test of one owner per directory
// across real processes (tests/08-concurrency/processes.test.ts): the test starts several of
// these on one directory, drives them over a tiny line protocol, and kills one with SIGKILL.
//
//   node --import <tsx> harness/lock-holder.ts <dir>
//
// It loads the stage 08 target exactly as the suites do (harness/target.ts: KATA_TARGET,
// KATA_ENGINE and KATA_REFERENCE_ROOT come from the environment it inherits) and opens the
// store in <dir> on the real file system with sync 'commit', so an acknowledged put is on disk.
//
// What it prints on stdout, one line each:
//   OPEN <pid>                     the store is open
//   REFUSED <code> <message>       openStore rejected; <code> is the error's `code`, or its
//                                  name when it has none (NotImplementedError); exits 0
//   ACK <key>                      after `put <key> <value>` (read on stdin) resolved
//   CLOSED                         after `close` (read on stdin) resolved
//   ERROR <message>                anything unexpected, or a call that can never settle (the
//                                  event loop ran empty while it was pending); exits 1
// After CLOSED it stays alive until its stdin ends, so the test can check that the directory
// is free while the process that closed it still runs (a LOCK left behind would name a live
// pid and say LOCKED; once the process is gone it would just look stale and be taken over).
// Its stdin ending also ends it in every other state: a holder never outlives the test.

import { createInterface } from 'node:readline';
import { nodeFileSystem } from '../stages/file-system.ts';
import type { ConcurrentStore, Stage08 } from '../stages/08-concurrency/contract.ts';
import { loadStage } from './target.ts';

const encoder = new TextEncoder();

/** Error messages may span lines (a learner's, the reference's hint): the protocol needs one. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** Writes the line, then exits once it is flushed: a learner's store may keep timers alive. */
function finish(line: string, code: number): void {
  process.stdout.write(`${line}\n`, () => process.exit(code));
}

function fail(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  finish(`ERROR ${oneLine(message)}`, 1);
}

/** The store call in progress, if any: named when the process runs out of work while it is pending. */
let pending = '';

// The event loop emptied, so no I/O or timer is left that could settle the pending call: it never
// will. Without this the process would just end, silently; say which call was abandoned.
process.on('beforeExit', () => {
  if (pending !== '') fail(new Error(`${pending} never settled: nothing was left to run that could resolve or reject its promise`));
});

async function main(dir: string | undefined): Promise<void> {
  if (dir === undefined) throw new Error('usage: lock-holder.ts <dir>');
  const stage = await loadStage<Stage08>('08', ['openStore']);
  let store: ConcurrentStore;
  try {
    pending = 'openStore';
    store = await stage.openStore({ dir, fs: nodeFileSystem, sync: 'commit' });
    pending = '';
  } catch (error) {
    pending = '';
    const { code, name, message } = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
    const shownCode = typeof code === 'string' && code !== '' ? code : typeof name === 'string' && name !== '' ? name : '-';
    finish(`REFUSED ${shownCode} ${oneLine(String(message ?? error))}`, 0);
    return;
  }
  process.stdout.write(`OPEN ${process.pid}\n`);

  let closed = false;
  // One command at a time, in the order they came: a `close` waits for the puts before it.
  let queue = Promise.resolve();
  const handle = async (line: string): Promise<void> => {
    const put = /^put (\S+) (.*)$/.exec(line);
    if (put !== null && !closed) {
      pending = `put ${put[1]}`;
      await store.put(encoder.encode(put[1]!), encoder.encode(put[2]!));
      pending = '';
      process.stdout.write(`ACK ${put[1]}\n`);
    } else if (line === 'close' && !closed) {
      closed = true;
      pending = 'close()';
      await store.close();
      pending = '';
      process.stdout.write('CLOSED\n');
    } else if (line.trim() !== '') {
      throw new Error(`unknown command ${JSON.stringify(line)}${closed ? ' (the store is closed)' : ''}`);
    }
  };
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    queue = queue.then(() => handle(line)).catch((error: unknown) => fail(error));
  });
  input.on('close', () => {
    // The test is done with us (or gone): close the store if still open, then leave.
    queue = queue
      .then(async () => {
        if (!closed) await store.close();
        process.exit(0);
      })
      .catch((error: unknown) => fail(error));
  });
}

main(process.argv[2]).catch(fail);
