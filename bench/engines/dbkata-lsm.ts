// dbkata-lsm: the reference's stage 05 LSM tree (memtable, sorted tables, compaction).

import { stage05Engine } from './dbkata-stage05.ts';

export const dbkataLsm = stage05Engine('dbkata-lsm', 'lsm', 'lsm/lsm-store.ts');
