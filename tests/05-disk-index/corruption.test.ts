// Stage 05: damage in any of the store's files — a flipped bit anywhere, a bad sector or two,
// a file deleted, cut short or replaced by another — is refused with CORRUPT (naming the file
// and offset) when the damaged part is read, or is harmless; the store never answers with
// wrong data, nor with less than it acknowledged.

import { expectTrue, Mismatch, mismatch, rethrowStub } from '../../harness/assert.ts';
import { Rng } from '../../harness/sim-fs/rng.ts';
import type { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import type { Stage05 } from '../../stages/05-disk-index/contract.ts';
import { b, contents, describeContents, DIR, KiB, keyOf, open, overwrite, rule, simDisk } from './setup.ts';

async function filled(stage: Stage05, fs: SimFileSystem): Promise<string[]> {
  const store = await open(stage, fs, { memoryBudget: 32 * KiB });
  for (let i = 0; i < 400; i++) await store.put(b(keyOf(i, 300)), b(`value ${i}`.padEnd(50, '~')));
  for (let i = 0; i < 40; i++) await store.delete(b(keyOf(i * 3, 300)));
  const saved = await contents(store);
  await store.close();
  return saved;
}

/** Reopens and reads everything: CORRUPT naming the file, or exactly the saved content. */
async function readsBackOrRefuses(stage: Stage05, fs: SimFileSystem, saved: string[], file: string, doing: string): Promise<'refused' | 'intact'> {
  try {
    const store = await open(stage, fs, { memoryBudget: 32 * KiB, paranoid: false });
    const found = await contents(store);
    for (const line of saved.slice(0, 50)) {
      const key = JSON.parse(line.slice(0, line.indexOf('"=') + 1)) as string;
      await store.get(b(key));
    }
    if (found.join('\n') !== saved.join('\n')) {
      throw mismatch(doing, `CORRUPT, or exactly the saved content, ${saved.length} entries (the damage was harmless)`, describeContents(found));
    }
    return 'intact';
  } catch (error) {
    rethrowStub(error);
    if (error instanceof Mismatch) throw error;
    const { code, message } = error as { code?: string; message?: string };
    expectTrue(code === 'CORRUPT', doing, `expected: an error with code CORRUPT\n  received: ${String(error)}`);
    expectTrue(String(message).includes(file) && /offset \d+/.test(String(message)), doing, `the error must name the file (${file}) and the offset\n  received: ${String(message)}`);
    return 'refused';
  }
}

rule('05-K01', 'a flipped bit anywhere in any file is caught, never read as data', 'Damaged files', async (stage) => {
  const probe = simDisk();
  const saved = await filled(stage, probe);
  const files = (await probe.readdir(DIR)).filter((name) => !name.endsWith('.tmp'));
  expectTrue(files.length > 0, 'after 400 puts and a close, the directory must hold the store\'s files');
  const rng = new Rng(5);
  let refused = 0;
  for (const name of files) {
    const size = (await probe.stat(`${DIR}/${name}`)).size;
    for (let n = 0; n < 12; n++) {
      const at = rng.int(size);
      const fs = simDisk();
      await filled(stage, fs);
      const bytes = (await fs.readFile(`${DIR}/${name}`)).slice();
      bytes[at] = bytes[at]! ^ (1 << rng.int(8));
      const handle = await fs.open(`${DIR}/${name}`, 'write');
      await handle.write(0, bytes);
      await handle.close();
      const outcome = await readsBackOrRefuses(stage, fs, saved, name, `flip one bit of byte ${at} of ${name} (${size} bytes), reopen, read everything`);
      if (outcome === 'refused') refused++;
    }
  }
  expectTrue(refused > 0, 'at least some of the damage must be refused', `none of ${files.length * 12} flipped bits was caught`);
});

const SECTOR = 512;
const SECTORS_PER_PAGE = 8;

/**
 * The sector sets 05-K02 damages in a file of `sectors` sectors: each sector; each pair within
 * one 4 KiB page (one bad spot on the disk); the same sector of every two pages (where a design
 * that keeps a record twice, page-aligned, keeps its copies).
 */
function damageSets(sectors: number): number[][] {
  const sets: number[][] = [];
  for (let i = 0; i < sectors; i++) {
    sets.push([i]);
    for (let j = i + 1; j < sectors; j++) {
      const samePage = Math.floor(i / SECTORS_PER_PAGE) === Math.floor(j / SECTORS_PER_PAGE);
      if (samePage || (j - i) % SECTORS_PER_PAGE === 0) sets.push([i, j]);
    }
  }
  return sets;
}

rule('05-K02', 'bad sectors never bring back fewer keys than were acknowledged: the store refuses, or reads all of them', 'Damaged files', async (stage) => {
  // Two sessions, the second adding keys: damage that makes open fall back to the first
  // session's state, in silence, shows up as keys missing.
  const probe = simDisk();
  for (const [from, to] of [[0, 40], [40, 80]] as const) {
    const store = await open(stage, probe, { memoryBudget: 32 * KiB });
    for (let i = from; i < to; i++) await store.put(b(`key:${String(i).padStart(3, '0')}`), b(`value ${i}`.padEnd(90, '~')));
    await store.close();
  }
  const check = await open(stage, probe, { memoryBudget: 32 * KiB, paranoid: false });
  const saved = await contents(check);
  await check.close();
  expectTrue(saved.length === 80, 'after two sessions of 40 new keys each, a reopened store must hold 80 keys', `received: ${describeContents(saved)}`);
  const files = new Map<string, Uint8Array>();
  for (const name of await probe.readdir(DIR)) if (!name.endsWith('.tmp')) files.set(name, (await probe.readFile(`${DIR}/${name}`)).slice());

  const rng = new Rng(11);
  let refused = 0;
  let cases = 0;
  for (const [name, original] of files) {
    for (const sectors of damageSets(Math.ceil(original.length / SECTOR))) {
      const fs = simDisk();
      await fs.mkdir(DIR);
      for (const [other, bytes] of files) {
        if (other !== name) await overwrite(fs, `${DIR}/${other}`, bytes);
      }
      const damaged = original.slice();
      for (const sector of sectors) damaged.set(rng.bytes(SECTOR).subarray(0, damaged.length - sector * SECTOR), sector * SECTOR);
      await overwrite(fs, `${DIR}/${name}`, damaged);
      const where = sectors.map((sector) => `bytes ${sector * SECTOR}‥${Math.min(damaged.length, (sector + 1) * SECTOR) - 1}`).join(' and ');
      const doing = `two sessions of 40 puts each, then garbage over ${where} of ${name} (${original.length} bytes), reopen, read everything`;
      if ((await readsBackOrRefuses(stage, fs, saved, name, doing)) === 'refused') refused++;
      cases++;
    }
  }
  expectTrue(refused > 0, 'at least some of the damage must be refused', `none of ${cases} damaged sector sets was caught`);
});

/** The store's files after filled(): what the damage tests take away, cut or swap. */
async function storeFiles(fs: SimFileSystem): Promise<string[]> {
  const files = (await fs.readdir(DIR)).filter((name) => !name.endsWith('.tmp'));
  expectTrue(files.length > 0, 'after 400 puts and a close, the directory must hold the store\'s files');
  return files;
}

rule('05-K03', 'a deleted or truncated file is refused, never opened as a smaller or empty store', 'Damaged files', async (stage) => {
  const probe = simDisk();
  const saved = await filled(stage, probe);
  for (const name of await storeFiles(probe)) {
    const size = (await probe.stat(`${DIR}/${name}`)).size;
    const gone = simDisk();
    await filled(stage, gone);
    await gone.unlink(`${DIR}/${name}`);
    await gone.syncDir(DIR);
    await readsBackOrRefuses(stage, gone, saved, name, `delete ${name} (${size} bytes) after a close, reopen, read everything`);
    const cut = simDisk();
    await filled(stage, cut);
    await overwrite(cut, `${DIR}/${name}`, (await cut.readFile(`${DIR}/${name}`)).slice(0, Math.floor(size / 2)));
    await readsBackOrRefuses(stage, cut, saved, name, `cut ${name} from ${size} to ${Math.floor(size / 2)} bytes after a close, reopen, read everything`);
  }
});

rule('05-K04', "a file holding another of the store's files is refused, never read as the file it replaced", 'Damaged files', async (stage) => {
  const probe = simDisk();
  const saved = await filled(stage, probe);
  const files = await storeFiles(probe);
  for (const [i, name] of files.entries()) {
    // Prefer a file of the same size (two tables, say): only its contents can tell them apart.
    const size = (await probe.stat(`${DIR}/${name}`)).size;
    const others = files.filter((other) => other !== name);
    if (others.length === 0) continue;
    const sizes = await Promise.all(others.map(async (other) => (await probe.stat(`${DIR}/${other}`)).size));
    const donor = others[sizes.indexOf(size)] ?? others[i % others.length]!;
    const fs = simDisk();
    await filled(stage, fs);
    await overwrite(fs, `${DIR}/${name}`, (await fs.readFile(`${DIR}/${donor}`)).slice());
    await readsBackOrRefuses(stage, fs, saved, name, `copy ${donor} over ${name} (a file misplaced or renamed), reopen, read everything`);
  }
});
