// The two meta pages, 0 and 1: where the tree starts. A flush writes its meta page into the
// slot its sequence number picks (seq % 2), so it never overwrites the meta page of the flush
// before it; on open, the valid one with the higher number wins. It is the one write in this
// engine that replaces what a reader may need, and it is a single page.
//
// Each meta page holds its record twice, at offsets 0 and 2048 — in different 512-byte sectors —
// and each copy has its own checksum. That tells the two kinds of damage apart:
// - a power cut while the page is written tears it at a sector boundary or garbles one sector,
//   so at most one copy is damaged; whichever copy survives is either the new record (its flush
//   had synced all its pages first: a complete, later state) or the old one;
// - a flipped bit on the disk damages one copy, and the other still says the same thing.
// With a single checksum over the page, both would look alike, and a bit flipped in the newest
// meta page would quietly reopen the flush before it: old data, served as if it were current.
// Only when every copy of both pages is bad does open refuse with CORRUPT. (Were both copies of
// the newest page damaged, open would take the older page, whose freed pages may have been
// reused since: two faults in one page is a risk this design accepts, as LMDB's does.)
//
//   record, at 0 and at 2048 of the page   offset in the record
//   CRC-32 of the record's bytes 4‥71      0
//   the common page header fields          4‥27  (type META, page number, txn = sequence number)
//   magic "dbkataBT"                       28
//   format version u32                     36
//   page size u32                          40
//   root page u32                          44
//   page count u32 (meta pages included)   48
//   first free-list page u32 (0: none)     52
//   free pages u32                         56
//   tree height u32 (1: a root leaf)       60
//   keys u64                               64

import { utf8 } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { crc32 } from '../core/crc32.ts';
import { H_CRC, initPage, PAGE_SIZE, PageType, pageTxn, pageType, setU32, setU64, u32, u64 } from './page-layout.ts';

export interface Meta {
  /** Sequence number of the flush that wrote it; pages that flush wrote carry it as their txn. */
  seq: number;
  root: number;
  pageCount: number;
  freeHead: number;
  freeCount: number;
  height: number;
  keys: number;
}

const MAGIC = utf8('dbkataBT');
const VERSION = 1;
const M_MAGIC = 28;
const M_VERSION = 36;
const M_PAGE_SIZE = 40;
const M_ROOT = 44;
const M_PAGE_COUNT = 48;
const M_FREE_HEAD = 52;
const M_FREE_COUNT = 56;
const M_HEIGHT = 60;
const M_KEYS = 64;
const RECORD = 72;
/** Where the two copies of the record sit in the page. */
const COPIES = [0, PAGE_SIZE / 2];

/** The meta slot (page number) a flush with this sequence number writes. */
export const metaSlot = (seq: number): number => seq % 2;

/** The meta page for `meta`: both copies, each with its checksum (write it unsealed). */
export function encodeMeta(meta: Meta): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  const d = page.subarray(0, RECORD);
  initPage(d, PageType.META, metaSlot(meta.seq), meta.seq);
  d.set(MAGIC, M_MAGIC);
  setU32(d, M_VERSION, VERSION);
  setU32(d, M_PAGE_SIZE, PAGE_SIZE);
  setU32(d, M_ROOT, meta.root);
  setU32(d, M_PAGE_COUNT, meta.pageCount);
  setU32(d, M_FREE_HEAD, meta.freeHead);
  setU32(d, M_FREE_COUNT, meta.freeCount);
  setU32(d, M_HEIGHT, meta.height);
  setU64(d, M_KEYS, meta.keys);
  setU32(d, H_CRC, crc32(d.subarray(4)));
  for (const at of COPIES) page.set(d, at);
  return page;
}

/**
 * Picks the meta record to open from the file's first two pages: the newest copy that passes
 * its checksum. A copy that fails it is passed over (a torn write or a flipped bit, see above);
 * one that passes it but says something impossible is damage, refused with CORRUPT.
 */
export function chooseMeta(head: Uint8Array, file: string): Meta {
  let best: Meta | undefined;
  const problems: string[] = [];
  for (const slot of [0, 1]) {
    for (const at of COPIES) {
      const offset = slot * PAGE_SIZE + at;
      const d = head.subarray(offset, offset + RECORD);
      if (d.length < RECORD) problems.push(`offset ${offset}: cut short`);
      else if (u32(d, H_CRC) !== crc32(d.subarray(4))) problems.push(`offset ${offset}: checksum mismatch`);
      else {
        const meta = decodeMeta(d, file, slot, offset);
        if (best === undefined || meta.seq > best.seq) best = meta;
      }
    }
  }
  if (best === undefined) throw new KvError('CORRUPT', `${file}: no valid meta record (${problems.join('; ')}) at offset 0`);
  return best;
}

function decodeMeta(d: Uint8Array, file: string, slot: number, offset: number): Meta {
  const bad = (problem: string) => new KvError('CORRUPT', `${file}: meta page ${slot} ${problem} at offset ${offset}`);
  if (pageType(d) !== PageType.META || !MAGIC.every((byte, i) => d[M_MAGIC + i] === byte)) {
    throw bad('is not a dbkata B+tree meta page');
  }
  if (u32(d, M_VERSION) !== VERSION) throw bad(`has format version ${u32(d, M_VERSION)}; this engine reads ${VERSION}`);
  if (u32(d, M_PAGE_SIZE) !== PAGE_SIZE) throw bad(`says pages are ${u32(d, M_PAGE_SIZE)} bytes; this engine uses ${PAGE_SIZE}`);
  const meta: Meta = {
    seq: pageTxn(d),
    root: u32(d, M_ROOT),
    pageCount: u32(d, M_PAGE_COUNT),
    freeHead: u32(d, M_FREE_HEAD),
    freeCount: u32(d, M_FREE_COUNT),
    height: u32(d, M_HEIGHT),
    keys: u64(d, M_KEYS),
  };
  if (metaSlot(meta.seq) !== slot) throw bad(`holds sequence number ${meta.seq}, which belongs in slot ${metaSlot(meta.seq)}`);
  const inFile = (page: number) => page >= 2 && page < meta.pageCount;
  if (!inFile(meta.root) || (meta.freeHead !== 0 && !inFile(meta.freeHead)) || meta.height < 1) {
    throw bad(`is inconsistent (root ${meta.root}, free list ${meta.freeHead}, ${meta.pageCount} pages, height ${meta.height})`);
  }
  return meta;
}
