// Unit tests of stage 08's harness pieces: simulated processes on one disk (pids, kill, a
// reboot killing them all), the real file system's process checks, and the scheduled disk
// (operations happen in call order, callers resume in the scheduler's order).

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { ScheduledFileSystem } from '../sim-fs/scheduled.ts';
import { SimFileSystem } from '../sim-fs/sim-fs.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = async (fs: { readFile(file: string): Promise<Uint8Array> }, file: string) => new TextDecoder().decode(await fs.readFile(file));

describe('simulated processes', () => {
  test('a spawned process sees the same files under its own pid; killing it stops its I/O, not the files', async () => {
    const disk = new SimFileSystem();
    await disk.mkdir('/db');
    const other = disk.spawnProcess();
    expect(other.pid).not.toBe(disk.pid);
    expect(disk.isRunning(other.pid) && other.isRunning(disk.pid)).toBe(true);
    const handle = await other.open('/db/f', 'create');
    await handle.write(0, text('theirs'));
    expect(await read(disk, '/db/f')).toBe('theirs');
    other.kill();
    expect(disk.isRunning(other.pid)).toBe(false);
    await expect(handle.write(0, text('x'))).rejects.toMatchObject({ code: 'ECRASHED' });
    await expect(other.readFile('/db/f')).rejects.toMatchObject({ code: 'ECRASHED' });
    expect(await read(disk, '/db/f')).toBe('theirs'); // kill -9 keeps what was written
  });

  test('a power cut kills every process, and the machine comes back with a new pid', () => {
    const disk = new SimFileSystem();
    const before = disk.pid;
    const other = disk.spawnProcess();
    disk.cutPower();
    disk.recover();
    expect(disk.pid).not.toBe(before);
    expect(disk.isRunning(before) || disk.isRunning(other.pid)).toBe(false);
    expect(disk.isRunning(disk.pid)).toBe(true);
  });

  test('the real file system knows this process, and that pid 0 and negative pids are no process', () => {
    expect(nodeFileSystem.pid).toBe(process.pid);
    expect(nodeFileSystem.isRunning(process.pid)).toBe(true);
    expect(nodeFileSystem.isRunning(0)).toBe(false);
    expect(nodeFileSystem.isRunning(-1)).toBe(false);
    expect(nodeFileSystem.isRunning(2 ** 22 + 12345)).toBe(false); // above Linux's pid_max
  });
});

describe('the scheduled disk', () => {
  test('appends land in call order; callers resume in the order the scheduler picks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const disk = new SimFileSystem();
        await disk.mkdir('/db');
        const scheduled = new ScheduledFileSystem(disk, scheduler);
        scheduled.scheduling = false;
        const handle = await scheduled.open('/db/log', 'create');
        scheduled.scheduling = true;
        const resumed: string[] = [];
        const appends = ['a', 'b', 'c'].map((s) => handle.append(text(s)).then((at) => resumed.push(`${s}@${at}`)));
        while (scheduler.count() > 0) await scheduler.waitOne();
        await Promise.all(appends);
        expect(await read(disk, '/db/log')).toBe('abc');
        expect([...resumed].sort()).toEqual(['a@0', 'b@1', 'c@2']);
        return true;
      }),
      { numRuns: 30 },
    );
  });

  test('every order of completions is explored: three appends resume in all six orders', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const disk = new SimFileSystem();
        await disk.mkdir('/db');
        const scheduled = new ScheduledFileSystem(disk, scheduler);
        const handle = await (async () => {
          scheduled.scheduling = false;
          const h = await scheduled.open('/db/log', 'create');
          scheduled.scheduling = true;
          return h;
        })();
        const order: string[] = [];
        const appends = ['a', 'b', 'c'].map((s) => handle.append(text(s)).then(() => order.push(s)));
        while (scheduler.count() > 0) await scheduler.waitOne();
        await Promise.all(appends);
        seen.add(order.join(''));
      }),
      { numRuns: 200, seed: 1 },
    );
    expect([...seen].sort()).toEqual(['abc', 'acb', 'bac', 'bca', 'cab', 'cba']);
  });

  test('an operation that fails fails for its caller, when the scheduler releases it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), async (scheduler) => {
        const scheduled = new ScheduledFileSystem(new SimFileSystem(), scheduler);
        const reading = scheduled.readFile('/nowhere');
        let settled = false;
        reading.catch(() => undefined).finally(() => (settled = true));
        await Promise.resolve();
        expect(settled).toBe(false);
        while (scheduler.count() > 0) await scheduler.waitOne();
        await expect(reading).rejects.toMatchObject({ code: 'ENOENT' });
      }),
      { numRuns: 5 },
    );
  });
});
