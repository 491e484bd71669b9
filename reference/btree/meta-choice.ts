// Which meta record open takes, and the proof it demands before taking an older one than the
// newest ever written. The copies and the order a flush writes them are in meta.ts.
//
// The rule. Open reads the four copies and takes the newest record that passes its checksum:
// flush m, from slot m % 2. One unreadable copy in that slot is harmless: the other copy says
// the same (damage), or is older (a power cut while copy B was written: copy A was synced, so
// flush m is complete). But m is only the newest *readable* record, and flush m + 1, had it
// completed, would have written both copies of the other slot. So open accepts m only with
// proof that flush m + 1 never completed: the other slot still holds flush m - 1 in at least one
// copy (for m = 0, a copy still blank: that slot was never written). A power cut cannot spoil
// that proof: the table in meta.ts shows flush m + 1 tearing at most copy A while copy B still
// says m - 1, and an unacknowledged flush is exactly what a power cut may lose. Anything else is
// damage that may hide a later, acknowledged flush — both copies of the other slot unreadable,
// or holding something older than m - 1 — and open refuses with CORRUPT, naming the file, the
// slot and the offsets. It never goes back past damaged state in silence.
//
// Evidence in the pages too. A page records the txn it was written for, and txn t is written
// only once flush t - 1 is durable (pager.ts). So a page of txn m + 2 or later proves flush m + 1
// completed, and open refuses. It checks the pages past flush m's page count, a cheap read:
// there are none after a clean close, and after a crash the unfinished flush's new pages.
// (Free pages inside the count may hold such a page too; finding those would mean reading the
// whole file at every open.)
//
// No truncation. Pages past the chosen record's count belong to a flush that never finished, and
// later allocations write over them (a new page is numbered pageCount), so open leaves the file
// as it is: were the choice ever wrong, nothing would have been destroyed, and the bytes stay
// there as evidence for whoever repairs it.

import { KvError } from '../core/errors.ts';
import { crc32 } from '../core/crc32.ts';
import { type Copy, type Meta, metaSlot, readCopy, slotPages } from './meta.ts';
import type { PageFile } from './page-file.ts';
import { H_CRC, H_PAGE_NO, META_PAGES, PAGE_SIZE, pageTxn, u32 } from './page-layout.ts';

/** Pages read at a time when checking the pages past the end. */
const RUN = 64;

/** Picks the meta record to open from the file's first META_PAGES pages (`head`): see the rule above. */
export function chooseMeta(head: Uint8Array, file: string): Meta {
  const copies = Array.from({ length: META_PAGES }, (_, page) => readCopy(head, page, file));
  let newest: Meta | undefined;
  for (const copy of copies) {
    if (copy.state === 'valid' && (newest === undefined || copy.meta.seq > newest.seq)) newest = copy.meta;
  }
  if (newest === undefined) throw new KvError('CORRUPT', `${file}: no valid meta record (${copies.map(describe).join('; ')})`);

  const other = 1 - metaSlot(newest.seq);
  const kept = slotPages(other).map((page) => copies[page]!);
  const previous = newest.seq - 1;
  const proof = newest.seq === 0
    ? kept.some((copy) => copy.state === 'blank')
    : kept.some((copy) => copy.state === 'valid' && copy.meta.seq === previous);
  if (!proof) {
    const missing = newest.seq === 0
      ? 'was written (no copy is blank), though flush 0 is the newest readable'
      : `no longer holds flush ${previous}, the one before flush ${newest.seq}, the newest readable`;
    throw new KvError(
      'CORRUPT',
      `${file}: meta slot ${other} (${kept.map(describe).join('; ')}) ${missing}: a later flush may have completed and its record be lost there, ` +
        `so open refuses rather than go back to flush ${newest.seq}`,
    );
  }
  return newest;
}

/**
 * Refuses with CORRUPT if a page past `meta`'s page count was written for a txn after
 * meta.seq + 1: proof that a later flush completed (see the header). Unreadable pages there are
 * expected — the torn writes of an unfinished flush — and pass.
 */
export async function checkNoLaterFlush(file: PageFile, meta: Meta, size: number): Promise<void> {
  const end = Math.floor(size / PAGE_SIZE);
  for (let first = meta.pageCount; first < end; first += RUN) {
    const run = await file.readRun(first, Math.min(RUN, end - first));
    for (let i = 0; i * PAGE_SIZE < run.length; i++) {
      const d = run.subarray(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      const no = first + i;
      if (u32(d, H_CRC) !== crc32(d.subarray(4)) || u32(d, H_PAGE_NO) !== no) continue;
      const txn = pageTxn(d);
      if (txn > meta.seq + 1) {
        throw new KvError(
          'CORRUPT',
          `${file.path}: page ${no} was written for txn ${txn}, so flush ${txn - 1} completed, but the newest readable meta record is flush ${meta.seq}'s: ` +
            `a later flush's meta record is lost, and open refuses rather than go back, at offset ${no * PAGE_SIZE}`,
        );
      }
    }
  }
}

function describe(copy: Copy): string {
  const where = `page ${copy.page} at offset ${copy.page * PAGE_SIZE}`;
  if (copy.state === 'valid') return `${where}: flush ${copy.meta.seq}`;
  if (copy.state === 'blank') return `${where}: never written`;
  return `${where}: ${copy.problem}`;
}
