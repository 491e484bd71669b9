// Unit tests of the simulated file system: what a crash keeps, tearing, fsyncgate, injected
// faults, power cuts at a chosen step, and the errors of a real file system.

import { describe, expect, test } from 'vitest';
import { SECTOR, SimFileSystem } from '../sim-fs/sim-fs.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = async (fs: SimFileSystem, file: string) => new TextDecoder().decode(await fs.readFile(file));

async function fresh(): Promise<SimFileSystem> {
  const fs = new SimFileSystem({ seed: 7 });
  await fs.mkdir('/db');
  await fs.syncDir('/');
  return fs;
}

describe('what a power loss keeps', () => {
  test('unsynced writes are lost, synced writes survive', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    await fs.syncDir('/db');
    await file.append(text('one'));
    await file.sync();
    await file.append(text('two'));
    fs.recover('durable');
    expect(await read(fs, '/db/a')).toBe('one');
  });

  test('a new file whose directory was never synced vanishes, even if the file was synced', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    await file.append(text('data'));
    await file.sync();
    fs.recover('durable');
    await expect(fs.readFile('/db/a')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('an unsynced rename is undone; a synced one stays', async () => {
    const fs = await fresh();
    for (const name of ['/db/old', '/db/tmp']) {
      const file = await fs.open(name, 'create');
      await file.append(text(name));
      await file.sync();
    }
    await fs.syncDir('/db');
    await fs.rename('/db/tmp', '/db/old');
    fs.recover('durable');
    expect(await read(fs, '/db/old')).toBe('/db/old');
    expect(await fs.readdir('/db')).toEqual(['old', 'tmp']);
    await fs.rename('/db/tmp', '/db/old');
    await fs.syncDir('/db');
    fs.recover('durable');
    expect(await read(fs, '/db/old')).toBe('/db/tmp');
    expect(await fs.readdir('/db')).toEqual(['old']);
  });

  test('an unsynced unlink is undone', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    await file.append(text('x'));
    await file.sync();
    await fs.syncDir('/db');
    await fs.unlink('/db/a');
    expect(await fs.readdir('/db')).toEqual([]);
    fs.recover('durable');
    expect(await read(fs, '/db/a')).toBe('x');
  });

  test("'everything' keeps unsynced writes and names, as kill -9 does", async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    await file.append(text('unsynced'));
    fs.recover('everything');
    expect(await read(fs, '/db/a')).toBe('unsynced');
  });

  test('handles opened before a crash are stale afterwards', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    fs.recover('durable');
    await expect(file.append(text('x'))).rejects.toMatchObject({ code: 'EBADF' });
  });
});

describe('torn writes', () => {
  test('each pending write is kept, dropped or has exactly one sector garbled', async () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 40; seed++) {
      const fs = new SimFileSystem({ seed });
      await fs.mkdir('/db');
      const file = await fs.open('/db/a', 'create');
      await fs.syncDir('/');
      await fs.syncDir('/db');
      const base = new Uint8Array(4 * SECTOR).fill(0x61);
      await file.write(0, base);
      await file.sync();
      const update = new Uint8Array(2 * SECTOR).fill(0x62);
      await file.write(SECTOR, update);
      fs.recover('torn');
      const after = await fs.readFile('/db/a');
      expect(after.length).toBe(4 * SECTOR);
      const sectors = [0, 1, 2, 3].map((i) => after.subarray(i * SECTOR, (i + 1) * SECTOR));
      const kind = (s: Uint8Array) => (s.every((b) => b === 0x61) ? 'old' : s.every((b) => b === 0x62) ? 'new' : 'garbage');
      const shape = sectors.map(kind).join(',');
      expect(['old,old,old,old', 'old,new,new,old', 'old,garbage,new,old', 'old,new,garbage,old']).toContain(shape);
      seen.add(shape);
    }
    expect(seen.size).toBe(4);
  });
});

describe('faults', () => {
  test('an injected EIO fails the n-th write once, and the failed write changes nothing', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    fs.inject({ op: ['write', 'append'], nth: 1, code: 'EIO' });
    await file.append(text('a'));
    await expect(file.append(text('b'))).rejects.toMatchObject({ code: 'EIO' });
    await file.append(text('c'));
    expect(await read(fs, '/db/a')).toBe('ac');
  });

  test('a persistent ENOSPC keeps failing', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    fs.inject({ op: 'append', nth: 0, code: 'ENOSPC', persist: true });
    await expect(file.append(text('a'))).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(file.append(text('b'))).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  test('after a failed sync the lost writes never become durable, even if a later sync succeeds (fsyncgate)', async () => {
    const fs = await fresh();
    const file = await fs.open('/db/a', 'create');
    await fs.syncDir('/db');
    await file.append(text('lost'));
    fs.inject({ op: 'sync', nth: 0, code: 'EIO' });
    await expect(file.sync()).rejects.toMatchObject({ code: 'EIO' });
    expect(await read(fs, '/db/a')).toBe('lost');
    await file.sync();
    fs.recover('durable');
    expect(await read(fs, '/db/a')).toBe('');
  });
});

describe('power cuts at a chosen step', () => {
  test('the n-th mutating operation and everything after it fail with ECRASHED', async () => {
    const fs = await fresh();
    const start = fs.mutatingOps;
    fs.cutPowerAt(start + 2);
    const file = await fs.open('/db/a', 'create'); // step 0
    await file.append(text('a')); // step 1
    await expect(file.sync()).rejects.toMatchObject({ code: 'ECRASHED' }); // step 2
    await expect(fs.readdir('/db')).rejects.toMatchObject({ code: 'ECRASHED' });
    expect(fs.crashed).toBe(true);
    fs.recover('durable');
    expect(await fs.readdir('/db')).toEqual([]);
  });

  test('steps are numbered over every call, reads included; the cut and each fault note theirs', async () => {
    const fs = await fresh();
    const start = fs.operations;
    await fs.readdir('/db'); // step 1: a read, no crash point
    fs.inject({ op: 'any', nth: 1, code: 'EIO' });
    const file = await fs.open('/db/a', 'create'); // step 2
    await expect(file.append(text('a'))).rejects.toMatchObject({ code: 'EIO' }); // step 3
    expect(fs.faultLog.map((f) => [f.operation - start + 1, f.what])).toEqual([[3, 'append /db/a']]);
    fs.cutPowerAt(fs.mutatingOps + 1);
    await file.append(text('b')); // step 4
    await expect(file.sync()).rejects.toMatchObject({ code: 'ECRASHED' }); // step 5
    expect([fs.cutAtOperation! - start + 1, fs.cutDuring]).toEqual([5, 'sync /db/a']);
  });
});

describe('closing a handle', () => {
  test("is not a step: 'any' never fails it, a rule naming 'close' does (and the handle is closed all the same)", async () => {
    const fs = await fresh();
    const before = fs.operations;
    fs.inject({ op: 'any', nth: 1, code: 'EIO' });
    await (await fs.open('/db/a', 'create')).close(); // step 1, then a close the rule does not count
    await expect(fs.readdir('/db'), "the 'any' rule's second call is this one").rejects.toMatchObject({ code: 'EIO' });
    fs.inject({ op: 'close', nth: 0, code: 'EIO' });
    const file = await fs.open('/db/a', 'read');
    await expect(file.close()).rejects.toMatchObject({ code: 'EIO' });
    await expect(file.read(0, 1)).rejects.toMatchObject({ code: 'EBADF' });
    expect(fs.operations - before, 'closes are not counted as steps').toBe(3);
  });
});

describe('what a crash dropped, and the likely cause', () => {
  test('an unsynced rename, a new name and unsynced writes are each named with the sync that was missing', async () => {
    const fs = await fresh();
    const old = await fs.open('/db/tmp', 'create');
    await old.append(text('new'));
    await old.sync();
    await fs.rename('/db/tmp', '/db/snapshot');
    const log = await fs.open('/db/log', 'create');
    await log.append(text('x'));
    fs.recover('durable');
    expect(fs.lostAtCrash).toEqual([
      '/db/snapshot: renamed from /db/tmp, but /db was not synced after: the rename was not made durable: sync the directory (syncDir /db) after renaming',
      '/db/log: created, but /db was not synced after: the new name was not made durable: sync the directory (syncDir /db) after creating a file',
      '/db/log: 1 write(s) or truncate(s) since its last sync: sync the file before anything relies on them',
    ]);
    fs.recover('durable');
    expect(fs.lostAtCrash, 'nothing pending after a clean reboot').toEqual([]);
  });
});

describe('errors like a real file system', () => {
  test('open modes and bad paths', async () => {
    const fs = await fresh();
    await expect(fs.open('/db/missing', 'read')).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.open('/db/a', 'create');
    await expect(fs.open('/db/a', 'create-new')).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(fs.open('/db', 'read')).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(fs.mkdir('/db/a/b')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fs.open('/nowhere/a', 'create')).rejects.toMatchObject({ code: 'ENOENT' });
    const readOnly = await fs.open('/db/a', 'read');
    await expect(readOnly.append(text('x'))).rejects.toMatchObject({ code: 'EBADF' });
  });
});
