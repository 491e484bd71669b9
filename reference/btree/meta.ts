// The meta record: where the tree starts, and the one write in this engine that replaces what
// a reader may need. This file is its format and where its copies live; meta-choice.ts is the
// rule open follows to pick one.
//
// Two slots. A flush writes its record into the slot its sequence number picks (seq % 2), so it
// never overwrites the record of the flush before it: a power cut during the write leaves that
// one intact. Each slot keeps its record twice, in two different pages — slot s in pages s and
// s + 2 — so damage to one page (a bad sector, a flipped bit) never takes both copies:
//
//   btree.db:  [slot 0, copy A][slot 1, copy A][slot 0, copy B][slot 1, copy B][page 4] …
//               page 0          page 1          page 2          page 3
//
// A flush writes copy A, syncs, then writes copy B and syncs (pager.ts), so a power cut tears
// at most one copy of the record being written, and only ever the copy being written:
//
//   slot s on disk, as flush n writes it        what a power cut can leave
//   before                                      A = n-2, B = n-2   (blank before its first flush)
//   copy A written, not yet synced              A torn, B = n-2    flush n was not acknowledged
//   copy A synced                               A = n,   B = n-2   flush n is complete
//   copy B written, not yet synced              A = n,   B torn    flush n is complete
//   both synced: flush() resolves               A = n,   B = n
//
// So two unreadable copies of one slot are never a power cut: they are damage. Format version 1
// kept both copies in one page (at offsets 0 and 2048), where one bad sector could take both and
// open fell back, silently, to the flush before; it is refused with a message saying so.
//
//   record, at offset 0 of its page, zeros after it   offset in the record
//   CRC-32 of the record's bytes 4‥71                 0
//   the common page header fields                     4‥27  (type META, this copy's page, txn = sequence number)
//   magic "dbkataBT"                                  28
//   format version u32                                36
//   page size u32                                     40
//   root page u32                                     44
//   page count u32 (meta pages included)              48
//   first free-list page u32 (0: none)                52
//   free pages u32                                    56
//   tree height u32 (1: a root leaf)                  60
//   keys u64                                          64

import { utf8 } from '../core/bytes.ts';
import { KvError } from '../core/errors.ts';
import { crc32 } from '../core/crc32.ts';
import { H_CRC, H_PAGE_NO, initPage, META_PAGES, PAGE_SIZE, PageType, pageTxn, pageType, setU32, setU64, u32, u64 } from './page-layout.ts';

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
export const VERSION = 2;
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

/** The meta slot a flush with this sequence number writes. */
export const metaSlot = (seq: number): number => seq % 2;

/** The pages holding a slot's two copies, in the order a flush writes them (A, then B). */
export const slotPages = (slot: number): [number, number] => [slot, slot + 2];

/**
 * The copy of `meta` that goes in page `page`: the 72-byte record with its checksum, written
 * alone at the start of the page (the rest of a meta page stays zero from the file's creation).
 * A write that small lands in one sector; a power cut garbles it or leaves it whole.
 */
export function encodeMeta(meta: Meta, page: number): Uint8Array {
  const d = new Uint8Array(RECORD);
  initPage(d, PageType.META, page, meta.seq);
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
  return d;
}

/** One copy as found on disk: a record that passes its checksum, never written (all zeros), or unreadable. */
export type Copy =
  | { page: number; state: 'valid'; meta: Meta }
  | { page: number; state: 'blank' }
  | { page: number; state: 'bad'; problem: string };

/**
 * Reads the copy in page `page` from the file's first pages (`head`). A copy that passes its
 * checksum but says something impossible — another format, another slot, pages outside the
 * file — is damage or a foreign file, refused with CORRUPT at once.
 */
export function readCopy(head: Uint8Array, page: number, file: string): Copy {
  const offset = page * PAGE_SIZE;
  const d = head.subarray(offset, offset + RECORD);
  if (d.length < RECORD) return { page, state: 'bad', problem: 'cut short' };
  if (d.every((byte) => byte === 0)) return { page, state: 'blank' };
  if (u32(d, H_CRC) !== crc32(d.subarray(4))) return { page, state: 'bad', problem: 'checksum mismatch' };
  return { page, state: 'valid', meta: decodeMeta(d, file, page) };
}

function decodeMeta(d: Uint8Array, file: string, page: number): Meta {
  const bad = (problem: string) => new KvError('CORRUPT', `${file}: meta page ${page} ${problem} at offset ${page * PAGE_SIZE}`);
  if (pageType(d) !== PageType.META || !MAGIC.every((byte, i) => d[M_MAGIC + i] === byte)) {
    throw bad('is not a dbkata B+tree meta page');
  }
  const version = u32(d, M_VERSION);
  if (version === 1) {
    throw bad(`has format version 1 (both copies of the meta record in one page), which this engine no longer reads: it reads version ${VERSION}; the file is left as it is`);
  }
  if (version !== VERSION) throw bad(`has format version ${version}; this engine reads ${VERSION}`);
  if (u32(d, M_PAGE_SIZE) !== PAGE_SIZE) throw bad(`says pages are ${u32(d, M_PAGE_SIZE)} bytes; this engine uses ${PAGE_SIZE}`);
  if (u32(d, H_PAGE_NO) !== page) throw bad(`holds the copy that belongs in page ${u32(d, H_PAGE_NO)} (a misplaced write)`);
  const meta: Meta = {
    seq: pageTxn(d),
    root: u32(d, M_ROOT),
    pageCount: u32(d, M_PAGE_COUNT),
    freeHead: u32(d, M_FREE_HEAD),
    freeCount: u32(d, M_FREE_COUNT),
    height: u32(d, M_HEIGHT),
    keys: u64(d, M_KEYS),
  };
  if (metaSlot(meta.seq) !== page % 2) throw bad(`holds sequence number ${meta.seq}, which belongs in slot ${metaSlot(meta.seq)}`);
  const inFile = (no: number) => no >= META_PAGES && no < meta.pageCount;
  if (!inFile(meta.root) || (meta.freeHead !== 0 && !inFile(meta.freeHead)) || meta.height < 1) {
    throw bad(`is inconsistent (root ${meta.root}, free list ${meta.freeHead}, ${meta.pageCount} pages, height ${meta.height})`);
  }
  return meta;
}
