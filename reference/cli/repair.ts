// `npm start -- repair --dir D`: rebuilds an LSM directory's lost or damaged manifest from its
// tables (reference/lsm/repair.ts), holding the directory's lock so no store has it open, and
// says what it kept and what it set aside. Nothing is deleted.

import path from 'node:path';
import { repairLsm } from '../lsm/repair.ts';
import { DirectoryLock } from '../storage/dir-lock.ts';
import type { CliIo } from './app.ts';

export async function runRepair(dir: string, io: Pick<CliIo, 'fs' | 'stdout' | 'stderr'>): Promise<number> {
  const where = path.resolve(dir);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  let lock: DirectoryLock | undefined;
  try {
    lock = await DirectoryLock.acquire(io.fs, dir);
    const report = await repairLsm(io.fs, dir);
    say(`repaired ${where}: a new manifest names ${report.kept.length} table(s); the old manifest: ${report.manifest}`);
    for (const line of report.kept) say(`  kept       ${line}`);
    for (const line of report.setAside) say(`  set aside  ${line}`);
    if (report.setAside.length > 0) say('Set-aside files stay beside the store; nothing was deleted.');
    return 0;
  } catch (error) {
    io.stderr.write(`cannot repair ${where}: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await lock?.release();
  }
}
