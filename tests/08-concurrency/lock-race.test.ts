// Stage 08: processes racing for one directory. Two to four simulated processes open the same
// directory at once — a fresh one, one closed cleanly, or one whose owner was killed and left
// its LOCK behind — while fast-check's scheduler orders every file operation they make.
// Exactly one may win; every other open is refused with LOCKED naming the winner.

import fc from 'fast-check';
import { mismatch, rethrowStub } from '../../harness/assert.ts';
import { show } from '../../harness/display.ts';
import { ScheduledFileSystem } from '../../harness/sim-fs/scheduled.ts';
import type { ConcurrentStore } from '../../stages/08-concurrency/contract.ts';
import { b, codeOf, drive, messageOf, openOrFail, options, property, releaseOne, simDisk, warmUp } from './setup.ts';

type Before = 'fresh' | 'closed' | 'owner killed' | 'killed while opening';

property(
  '08-L02',
  'processes opening one directory at once (fresh, cleanly closed, with a dead owner\'s LOCK, or after an opener was killed midway): exactly one wins, the others get LOCKED naming it, in every interleaving',
  'One owner per directory',
  fc.tuple(fc.scheduler(), fc.constantFrom<Before>('fresh', 'closed', 'owner killed', 'killed while opening'), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 0, max: 12 })),
  async (stage, [scheduler, before, count, killAfter]) => {
    await warmUp(stage);
    const disk = simDisk();
    if (before === 'killed while opening') {
      // A first owner killed, then a second one killed after `killAfter` of its file operations.
      const first = disk.spawnProcess();
      await (await openOrFail(stage, options(first), 'a first process creating the store')).put(b('k'), b('v'));
      first.kill();
      const opener = disk.spawnProcess();
      stage.openStore(options(new ScheduledFileSystem(opener, scheduler, `pid ${opener.pid} (to be killed): `))).catch(() => undefined);
      for (let step = 0; step < killAfter && scheduler.count() > 0; step++) await releaseOne(scheduler);
      opener.kill();
    } else if (before !== 'fresh') {
      const first = disk.spawnProcess();
      const store = await openOrFail(stage, options(first), 'a first process creating the store');
      await store.put(b('k'), b('v'));
      if (before === 'closed') await store.close();
      else first.kill();
    }
    const processes = Array.from({ length: count }, () => disk.spawnProcess());
    const outcomes: ({ pid: number; store: ConcurrentStore } | { pid: number; error: unknown } | undefined)[] = [];
    await drive(
      scheduler,
      processes.map((process, i) => async () => {
        try {
          outcomes[i] = { pid: process.pid, store: await stage.openStore(options(new ScheduledFileSystem(process, scheduler, `pid ${process.pid}: `))) };
        } catch (error) {
          rethrowStub(error);
          outcomes[i] = { pid: process.pid, error };
        }
      }),
      () => processes.filter((_, i) => outcomes[i] === undefined).map((p) => `openStore by process ${p.pid}`),
      `${count} processes opening a directory (${before}${before === 'killed while opening' ? ` after ${killAfter} steps` : ''}) at once`,
    );
    const said = outcomes.map((o) => (o === undefined ? '?' : 'store' in o ? `${o.pid} opened it` : `${o.pid} got ${show(codeOf(o.error))}: ${messageOf(o.error)}`)).join('\n    ');
    const winners = outcomes.filter((o) => o !== undefined && 'store' in o) as { pid: number; store: ConcurrentStore }[];
    if (winners.length !== 1) {
      throw mismatch(`${count} processes opening one directory (${before}) at once`, 'exactly one opens it; the others get LOCKED', `\n    ${said}`);
    }
    const winner = winners[0]!;
    for (const o of outcomes) {
      if (o === undefined || 'store' in o) continue;
      if (codeOf(o.error) !== 'LOCKED' || !new RegExp(`\\b${winner.pid}\\b`).test(messageOf(o.error))) {
        throw mismatch(`${count} processes opening one directory (${before}) at once`, `the losers get LOCKED naming the winner, pid ${winner.pid}`, `\n    ${said}`);
      }
    }
    await drive(scheduler, [() => winner.store.close()], () => ['close()'], 'the winner closing the store');
    const after = await openOrFail(stage, options(disk), 'opening the directory after the winner closed it');
    await after.close();
  },
  { numRuns: 200, timeout: 60_000 }, // 200 races per engine; the lock's sleeps are the scheduler's events, so its patience costs no real time
);
