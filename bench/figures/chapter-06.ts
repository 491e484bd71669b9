// The figures of docs/06-wal.md: `npm run figures -- 06 [flush-per-put|segment|group-commit|
// sync-modes|index-ahead]`. segment, group-commit and index-ahead run on the simulated disk (seeded, the same
// every run); flush-per-put and sync-modes on the real one, in a temporary directory, so their
// numbers move with the machine and its load: quote the load with them.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MUTANTS } from '../../harness/mutants/catalogue.ts';
import { buildMutant } from '../../harness/mutants/run-mutants.ts';
import { runSuites } from '../../harness/runner/run-suites.ts';
import { DelegatingFileSystem } from '../../harness/sim-fs/delegating.ts';
import { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { findStage } from '../../harness/stages.ts';
import { stage as stage05 } from '../../reference/stages/05.ts';
import { stage as stage06 } from '../../reference/stages/06.ts';
import type { DiskStore } from '../../stages/05-disk-index/contract.ts';
import type { SyncMode, WalStore, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import { type FileHandle, type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { type Figure, n, rng, table } from './figure.ts';

type Engine = 'lsm' | 'btree';
const ENGINES: readonly Engine[] = ['lsm', 'btree'];
const NAMES: Record<Engine, string> = { lsm: 'LSM tree', btree: 'B+tree' };
const enc = (s: string) => new TextEncoder().encode(s);

/** The adapters read KATA_ENGINE when they open. */
function on(engine: Engine): void {
  process.env.KATA_ENGINE = engine;
}

/** Counts the bytes written and the fsyncs (of files and of directories) that pass through it. */
class CountingFs extends DelegatingFileSystem {
  bytes = 0;
  syncs = 0;
  protected override handle(_file: string, inner: FileHandle): FileHandle {
    return {
      read: inner.read.bind(inner),
      size: inner.size.bind(inner),
      truncate: inner.truncate.bind(inner),
      close: inner.close.bind(inner),
      write: async (position, data) => ((this.bytes += data.length), inner.write(position, data)),
      append: async (data) => ((this.bytes += data.length), inner.append(data)),
      sync: async () => (this.syncs++, inner.sync()),
    };
  }
  override syncDir(dir: string): Promise<void> {
    this.syncs++;
    return super.syncDir(dir);
  }
}

async function onRealDisk<T>(work: (fs: CountingFs, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dbkata-figures-'));
  try {
    return await work(new CountingFs(nodeFileSystem as FileSystem), path.join(dir, 'db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `count` seeded random 16-byte keys. */
function randomKeys(seed: number, count: number): Uint8Array[] {
  const random = rng(seed);
  return Array.from({ length: count }, () => Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)));
}

const VALUE = new Uint8Array(100).fill(120);
const machine = () => `load average ${os.loadavg()[0]!.toFixed(1)}, ${os.cpus().length} cores, Node ${process.version}`;

/** Puts every key, `inFlight` at a time. */
async function load(store: DiskStore, keys: readonly Uint8Array[], inFlight = 1000): Promise<void> {
  for (let i = 0; i < keys.length; i += inFlight) await Promise.all(keys.slice(i, i + inFlight).map((key) => store.put(key, VALUE)));
}

// --- flush-per-put: what one durable put costs with stage 05's flush, and with the log ----

const PRELOAD = 100_000;
const DURABLE_PUTS = 100;

async function flushPerPut(): Promise<void> {
  const preload = randomKeys(1, PRELOAD);
  const puts = randomKeys(2, DURABLE_PUTS);
  const rows = [['one put made durable', 'bytes written per put', 'fsyncs per put', 'puts/s']];
  const measure = async (label: string, fs: CountingFs, put: (key: Uint8Array) => Promise<void>) => {
    const [bytes, syncs, started] = [fs.bytes, fs.syncs, performance.now()];
    for (const key of puts) await put(key);
    const seconds = (performance.now() - started) / 1000;
    rows.push([label, n(Math.round((fs.bytes - bytes) / DURABLE_PUTS)), ((fs.syncs - syncs) / DURABLE_PUTS).toFixed(2), n(Math.round(DURABLE_PUTS / seconds))]);
  };
  for (const engine of ['btree', 'lsm'] as const) {
    on(engine);
    await onRealDisk(async (fs, dir) => {
      const store = await stage05.openStore({ dir, fs });
      await load(store, preload);
      await store.flush();
      await measure(`stage 05 ${NAMES[engine]}: put, then flush()`, fs, async (key) => (await store.put(key, VALUE), store.flush()));
      await store.close();
    });
  }
  on('lsm');
  await onRealDisk(async (fs, dir) => {
    const store = await stage06.openStore({ dir, fs, sync: 'commit' });
    await load(store, preload);
    await store.flush();
    await measure("stage 06: put, sync 'commit'", fs, (key) => store.put(key, VALUE));
    await store.close();
  });
  console.log(table(rows));
  console.log(`\n(${n(DURABLE_PUTS)} random puts, one at a time, on a store holding ${n(PRELOAD)} keys; 16-byte keys, 100-byte values;`);
  console.log(` real disk (a temporary directory), default 8 MiB budget; fsyncs count files and directories; ${machine()})`);
}

// --- segment: a real segment, decoded ------------------------------------------------------

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

async function segment(): Promise<void> {
  on('lsm');
  const fs = new SimFileSystem({ seed: 1 });
  const store = await stage06.openStore({ dir: '/db', fs, sync: 'commit' });
  await store.put(enc('a'), enc('1'));
  await store.put(enc('cat'), enc('meow'));
  await store.delete(enc('a'));
  const names = (await fs.readdir('/db')).filter((name) => name.endsWith('.wal'));
  const bytes = await fs.readFile(`/db/${names[0]}`);
  await store.close();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  console.log(`${names[0]}, ${bytes.length} bytes (sync 'commit': put a=1, put cat=meow, delete a)\n`);
  console.log(`header at 0   ${hex(bytes.subarray(0, 8))}   magic "${new TextDecoder().decode(bytes.subarray(0, 8))}"`);
  console.log(`          8   ${hex(bytes.subarray(8, 16))}   the first record's sequence number: ${view.getBigUint64(8, true)}`);
  console.log(`         16   ${hex(bytes.subarray(16, 20))}               CRC-32 of bytes 0..16`);
  for (let at = 20; at + 29 <= bytes.length; ) {
    const [keyLength, valueLength] = [view.getUint32(at + 21, true), view.getUint32(at + 25, true)];
    const end = at + 29 + keyLength + valueLength;
    const text = new TextDecoder().decode(bytes.subarray(at + 29, end));
    console.log(`\nrecord at ${at}`);
    console.log(`         +0   ${hex(bytes.subarray(at, at + 4))}               CRC-32 of bytes +4 to the end of the record`);
    console.log(`         +4   ${hex(bytes.subarray(at + 4, at + 5))}                        type: ${bytes[at + 4]}`);
    console.log(`         +5   ${hex(bytes.subarray(at + 5, at + 13))}   sequence number: ${view.getBigUint64(at + 5, true)}`);
    console.log(`        +13   ${hex(bytes.subarray(at + 13, at + 21))}   synced length: ${view.getBigUint64(at + 13, true)}`);
    console.log(`        +21   ${hex(bytes.subarray(at + 21, at + 25))}               key length: ${keyLength}`);
    console.log(`        +25   ${hex(bytes.subarray(at + 25, at + 29))}               value length: ${valueLength}`);
    if (end > at + 29) console.log(`        +29   ${hex(bytes.subarray(at + 29, end))}   "${text}"; the record ends at ${end}`);
    else console.log(`               (no key or value bytes; the record ends at ${end})`);
    at = end;
  }
}

// --- group-commit: six puts issued together, traced turn by turn on the simulated disk ------

interface Span {
  start: number;
  end?: number;
}

/** Records when each write and fsync of a `.wal` file starts and ends, in turns of the event loop. */
class TracingFs extends DelegatingFileSystem {
  turn = 0;
  writes: (Span & { from: number; to: number })[] = [];
  syncs: (Span & { through: number })[] = [];
  protected override handle(file: string, inner: FileHandle): FileHandle {
    if (!file.endsWith('.wal')) return inner;
    return {
      ...inner,
      read: inner.read.bind(inner),
      append: inner.append.bind(inner),
      size: inner.size.bind(inner),
      truncate: inner.truncate.bind(inner),
      close: inner.close.bind(inner),
      write: async (position, data) => {
        const span: Span & { from: number; to: number } = { start: this.turn, from: position, to: position + data.length };
        this.writes.push(span);
        await inner.write(position, data);
        span.end = this.turn;
      },
      sync: async () => {
        const span: Span & { through: number } = { start: this.turn, through: this.writtenPrefix() };
        this.syncs.push(span);
        await inner.sync();
        span.end = this.turn;
      },
    };
  }
  /** The end of the longest run of finished writes from offset 0. */
  writtenPrefix(): number {
    let prefix = 0;
    for (const w of [...this.writes].filter((w) => w.end !== undefined).sort((a, b) => a.from - b.from)) if (w.from <= prefix) prefix = Math.max(prefix, w.to);
    return prefix;
  }
}

async function groupCommit(): Promise<void> {
  on('lsm');
  const fs = new TracingFs(new SimFileSystem({ seed: 4, jitter: true }));
  const store = await stage06.openStore({ dir: '/db', fs, sync: 'commit' });
  const before = fs.writes.length; // the segment's header, written at open
  fs.syncs = [];
  let running = true;
  const tick = () => setImmediate(() => (fs.turn++, running && tick()));
  fs.turn = 0;
  tick();
  const acked: number[] = [];
  await Promise.all(['A', 'B', 'C', 'D', 'E', 'F'].map((name, i) => store.put(enc(name), new Uint8Array(7).fill(97 + i)).then(() => (acked[i] = fs.turn))));
  running = false;
  const rows = [['put', 'seq', 'bytes', 'write starts', 'written', 'acknowledged']];
  fs.writes.slice(before, before + 6).forEach((w, i) => rows.push([`put ${'ABCDEF'[i]}`, String(i + 1), `${w.from}–${w.to}`, `turn ${w.start}`, `turn ${w.end}`, `turn ${acked[i]}`]));
  console.log(table(rows));
  console.log('');
  const syncRows = [['fsync', 'covers', 'starts', 'returns']];
  fs.syncs.forEach((s, i) => syncRows.push([`#${i + 1}`, `0–${s.through}`, `turn ${s.start}`, `turn ${s.end}`]));
  console.log(table(syncRows));
  console.log('\n(simulated disk, jitter seed 4: each file operation finishes 0–2 turns of the event loop late; 37-byte records: a 29-byte header, a 1-byte key, a 7-byte value)');
  await store.close();
}

// --- sync-modes: puts/s and fsyncs per write in each mode, one writer and 100, real disk ----

const SYNC_PUTS = 5000;

async function syncModes(): Promise<void> {
  const keys = randomKeys(3, SYNC_PUTS);
  const cases: { label: string; sync: SyncMode; writers: number }[] = [
    { label: "'commit', one writer at a time", sync: 'commit', writers: 1 },
    { label: "'commit', 100 writers in flight", sync: 'commit', writers: 100 },
    { label: "'window' 10 ms, one writer at a time", sync: 'window', writers: 1 },
    { label: "'window' 10 ms, 100 writers in flight", sync: 'window', writers: 100 },
  ];
  const rows = [['puts/s', ...ENGINES.map((e) => NAMES[e]), 'fsyncs per write']];
  for (const { label, sync, writers } of cases) {
    const row = [label];
    const perWrite: string[] = [];
    for (const engine of ENGINES) {
      on(engine);
      await onRealDisk(async (fs, dir) => {
        const options: WalStoreOptions = { dir, fs, sync, syncWindowMs: 10, memoryBudget: 8 << 20 };
        const store: WalStore = await stage06.openStore(options);
        const before = Number((await store.stats()).detail.logSyncs ?? 0);
        let next = 0;
        const started = performance.now();
        await Promise.all(Array.from({ length: writers }, async () => {
          while (next < SYNC_PUTS) await store.put(keys[next++]!, VALUE);
        }));
        await store.flush();
        const seconds = (performance.now() - started) / 1000;
        const fsyncs = (Number((await store.stats()).detail.logSyncs ?? 0)) - before;
        row.push(n(Math.round(SYNC_PUTS / seconds)));
        perWrite.push((fsyncs / SYNC_PUTS).toFixed(3));
        await store.close();
      });
    }
    rows.push([...row, perWrite.join(' · ')]);
  }
  console.log(table(rows));
  console.log(`\n(${n(SYNC_PUTS)} puts of 16-byte random keys and 100-byte values, 8 MiB budget so neither index writes;`);
  console.log(` timed through the final flush(); fsyncs from stats().detail.logSyncs, LSM · B+tree; real disk (a temporary directory); ${machine()})`);
}

// --- index-ahead: what the suite says when the LSM tree writes a table before the log is synced

async function indexAhead(): Promise<void> {
  const mutant = MUTANTS.find((m) => m.id === 'wal-index-ahead-of-log')!;
  for (const only of ['06-F01', '06-E14']) {
    const [outcome] = await runSuites({ stages: [findStage('06')!], target: 'reference', seed: 1, referenceRoot: buildMutant(mutant), showConsole: false, only, engine: 'lsm' });
    const test = outcome!.tests.find((t) => t.id === only);
    console.log(`${only} on ${mutant.id} (seed 1, LSM tree): ${test?.status ?? 'not run'}`);
    if (test?.status === 'failed') console.log(test.message.split('\n').slice(0, 12).join('\n'));
    console.log('');
  }
}

export const FIGURES_06: readonly Figure[] = [
  { name: 'flush-per-put', what: "bytes and fsyncs per durable put: stage 05's flush() after each put against the log, real disk", run: flushPerPut },
  { name: 'segment', what: 'a real segment after put a=1, put cat=meow, delete a, decoded (simulated disk)', run: segment },
  { name: 'group-commit', what: 'six puts issued together, their writes, fsyncs and acknowledgements by turn (simulated disk, jitter)', run: groupCommit },
  { name: 'sync-modes', what: "puts/s and fsyncs per write in 'commit' and 'window' mode, 1 and 100 writers, real disk", run: syncModes },
  { name: 'index-ahead', what: 'what 06-F01 and 06-E14 say when the LSM tree writes a table before the log is synced (a mutant)', run: indexAhead },
];
