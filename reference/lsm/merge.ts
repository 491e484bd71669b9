// The merging iterator: many sorted sources — memtables and tables, newest first — read as
// one sorted stream. When several sources hold a key, the newest one's cell wins and the
// older ones are skipped: that is how an overwrite or a delete shadows what lies below it.

import { compareBytes } from '../core/bytes.ts';
import type { Cell } from './cell.ts';

export type Source = AsyncIterator<[Uint8Array, Cell]> | Iterator<[Uint8Array, Cell]>;

/** Yields each key once, with the cell of the newest source that holds it (tombstones included). */
export async function* mergeNewestFirst(sources: readonly Source[], reverse: boolean): AsyncGenerator<[Uint8Array, Cell]> {
  const heads: Array<[Uint8Array, Cell] | undefined> = await Promise.all(sources.map(async (source) => (await source.next()).value));
  const direction = reverse ? -1 : 1;
  while (true) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head === undefined) continue;
      // Strictly better only: on a tie the earlier (newer) source keeps the win.
      if (best === -1 || compareBytes(head[0], heads[best]![0]) * direction < 0) best = i;
    }
    if (best === -1) return;
    const [key, cell] = heads[best]!;
    yield [key, cell];
    for (let i = 0; i < heads.length; i++) {
      const head = heads[i];
      if (head !== undefined && compareBytes(head[0], key) === 0) heads[i] = (await sources[i]!.next()).value;
    }
  }
}
