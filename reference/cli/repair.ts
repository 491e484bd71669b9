// `npm start -- repair --dir D`: rebuilds an LSM directory's lost or damaged manifest from its
// tables (reference/lsm/repair.ts), holding the directory's lock so no store has it open, and
// says what it kept and what it set aside. Nothing is deleted.

import path from 'node:path';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { repairLsm } from '../lsm/repair.ts';
import { DirectoryLock } from '../store/dir-lock.ts';

export async function runRepair(dir: string): Promise<number> {
  const where = path.resolve(dir);
  let lock: DirectoryLock;
  try {
    lock = await DirectoryLock.acquire(nodeFileSystem, dir);
  } catch (error) {
    console.error(`cannot repair ${where}: ${(error as Error).message}`);
    return 1;
  }
  try {
    const report = await repairLsm(nodeFileSystem, dir);
    console.log(`repaired ${where}: a new manifest names ${report.kept.length} table(s); the old manifest: ${report.manifest}`);
    for (const line of report.kept) console.log(`  kept       ${line}`);
    for (const line of report.setAside) console.log(`  set aside  ${line}`);
    if (report.setAside.length > 0) console.log('Set-aside files are kept beside the store; nothing was deleted.');
    return 0;
  } catch (error) {
    console.error(`cannot repair ${where}: ${(error as Error).message}`);
    return 1;
  } finally {
    await lock.release();
  }
}
