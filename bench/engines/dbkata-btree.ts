// dbkata-btree: the reference's stage 05 B+tree (one page file, a page cache).

import { stage05Engine } from './dbkata-stage05.ts';

export const dbkataBtree = stage05Engine('dbkata-btree', 'btree', 'btree/btree-store.ts');
