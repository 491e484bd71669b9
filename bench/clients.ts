// `npm run bench -- --clients`: how the stage 07 store (transactions over the write-ahead log
// over the LSM tree or the B+tree) serves many clients at once. A client is an async loop that
// awaits one get or put before it issues the next; 1, 8, 64… of them share one store and a
// fixed number of operations. With sync 'commit' a put resolves only once its log record is
// fsynced, so the puts of different clients can share an fsync only if they wait together:
// group commit is why more clients should mean more puts per second. Each engine runs in a
// process of its own: run.ts forks child.ts, which hands a clients request to benchClients.

import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { IndexKind } from '../reference/engine.ts';
import type { TxStore } from '../stages/07-transactions/contract.ts';
import { type DataSet, makeDataSet, random32, VALUE_SIZE } from './data.ts';
import type { EngineName, Mode } from './engines/engine.ts';
import { measure, type Measurement } from './workloads.ts';

/** The engines this bench can run: the stage 06 engines' names, opened as stage 07 stores. */
export const CLIENT_ENGINES = { 'dbkata-wal-lsm': 'lsm', 'dbkata-wal-btree': 'btree' } as const satisfies Partial<Record<EngineName, 'lsm' | 'btree'>>;
export type ClientEngine = keyof typeof CLIENT_ENGINES;

/** read-write: each operation a get or a put of a random loaded key, half and half; read-only: gets only. */
export type ClientMix = 'read-write' | 'read-only';
/** Read-only first, on the store as reopened (its log empty); then the writes change it. */
export const CLIENT_MIXES: readonly ClientMix[] = ['read-only', 'read-write'];

export const DEFAULT_CLIENTS: readonly number[] = [1, 8, 64];
/** Keys loaded before the clients start, unless --keys says otherwise. */
export const DEFAULT_CLIENT_KEYS = 20_000;
/** Operations per read-write row (engine, client count), all clients together, unless --client-ops says otherwise. */
export const DEFAULT_CLIENT_OPS = 20_000;
/**
 * Read-only rows do this many times as many: a get costs about a microsecond, a put its share
 * of an fsync, and as many gets as a read-write row's operations are over too fast to time.
 */
export const READ_ONLY_FACTOR = 10;
/** Tinybench samples per (mix, client count): the operations are split into this many rounds. */
export const ROUNDS = 10;
/** Puts in flight while loading (untimed): enough to share fsyncs, as random-write does. */
export const LOAD_GROUP = 100;

export interface ClientsRequest {
  /** Tells child.ts which bench to run. */
  kind: 'clients';
  engine: ClientEngine;
  keys: number;
  seed: number;
  clients: readonly number[];
  ops: number;
  memoryBudget: number;
  tmp: string;
}

export interface ClientsMeasurement extends Measurement<'clients'> {
  mix: ClientMix;
  clients: number;
  gets: number;
  puts: number;
  /** fsyncs of the log during the measurement (stats().detail.logSyncs, after minus before); null if the store does not say. */
  logSyncs: number | null;
  /** Checkpoints completed during the measurement: one starts by itself per 4 MiB of log (checkpointBytes' default). */
  checkpoints: number;
  /**
   * The LSM tree's compactions during the measurement (null for the B+tree, which has none):
   * background work on the same thread as the clients, so a row that has one runs slower.
   */
  compactions: number | null;
  /** Block or page cache misses during the measurement: each a read from the file, on the clients' thread. */
  cacheMisses: number | null;
  /**
   * CPU time of this process (main thread and libuv's threads together) over wall time, in
   * percent; 100 is one core. The JavaScript thread can use one core at most, so at 100 or
   * more the CPU, not the disk, is what the clients wait for.
   */
  cpuPercent: number;
}

export type ClientsReport =
  | { engine: ClientEngine; ok: true; version: string; mode: Mode; measurements: ClientsMeasurement[]; seconds: number }
  | { engine: ClientEngine; ok: false; error: string };

export function clientsMode(kind: IndexKind): { version: string; mode: Mode } {
  return {
    version: `reference, stage 07 (${kind})`,
    mode: {
      mode: "tx store, sync 'commit' (group commit)",
      detail: "stage 07 openStore, sync 'commit': a put (a transaction of one write) resolves once its log record is fsynced; puts waiting together share one fsync",
    },
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The stage 07 store as its adapter opens it: transactions over the log over openEngine's index. */
async function openStore(kind: IndexKind, dir: string, memoryBudget: number): Promise<TxStore> {
  const { openEngine } = await import('../reference/engine.ts');
  const txn = await import('../reference/txn/txn-store.ts');
  return txn.TxStore.open({ dir, memoryBudget, sync: 'commit' }, (options) => openEngine({ ...options, kind }));
}

/** Untimed: every key put once, LOAD_GROUP in flight, in the data set's (random) order. */
async function load(store: TxStore, data: DataSet): Promise<void> {
  for (let start = 0; start < data.keys.length; start += LOAD_GROUP) {
    const end = Math.min(start + LOAD_GROUP, data.keys.length);
    const puts: Promise<void>[] = [];
    for (let i = start; i < end; i++) puts.push(store.put(data.keys[i]!, data.values[i]!));
    await Promise.all(puts);
  }
}

/**
 * Untimed: every key read once and checked. The reopened store's caches start cold, and the
 * first row timed would pay for reading the blocks or pages in, the later ones not: warmed up,
 * the rows differ only in their number of clients (the default data set fits the cache).
 */
async function warmUp(store: TxStore, data: DataSet): Promise<void> {
  for (let start = 0; start < data.keys.length; start += LOAD_GROUP) {
    const keys = data.keys.slice(start, start + LOAD_GROUP);
    const values = await Promise.all(keys.map((key) => store.get(key)));
    values.forEach((value, i) => {
      if (value === undefined || Buffer.compare(value, data.values[start + i]!) !== 0) throw new Error(`clients: get(${keys[i]!.toString('hex')}) after the load did not return the value put`);
    });
  }
}

type Counters = { checkpoints: number } & Record<'logSyncs' | 'compactions' | 'cacheMisses', number | undefined>;

/** The counters a measurement reports the change of; all but checkpoints are the reference's own stats().detail. */
async function counters(store: TxStore): Promise<Counters> {
  const { detail, checkpoints } = await store.stats();
  const count = (name: string) => (typeof detail[name] === 'number' ? detail[name] : undefined);
  return { checkpoints, logSyncs: count('logSyncs'), compactions: count('compactions'), cacheMisses: count('cacheMisses') };
}

/** How much a counter grew, or null when the store does not keep it. */
function grew(before: Counters, after: Counters, name: 'logSyncs' | 'compactions' | 'cacheMisses'): number | null {
  const [a, b] = [before[name], after[name]];
  return a === undefined || b === undefined ? null : b - a;
}

/**
 * Runs `ops` operations of `mix` on `clients` concurrent clients, in ROUNDS tinybench samples.
 * Each round starts every client afresh and ends when the last one's operation resolves, so a
 * sample holds whole operations; the clients' random streams carry on from round to round.
 */
export async function concurrentClients(store: TxStore, data: DataSet, mix: ClientMix, clients: number, ops: number): Promise<ClientsMeasurement> {
  const count = data.keys.length;
  // One seeded stream per client: the same run draws the same keys whatever the timing.
  const streams = Array.from({ length: clients }, (_, c) => random32((data.seed * 7919 + clients * 131 + c) ^ (mix === 'read-only' ? 0x0c1e0001 : 0x0c1e0002)));
  let gets = 0;
  let puts = 0;
  const client = async (next: () => number, take: () => boolean) => {
    while (take()) {
      const key = data.keys[next() % count]!;
      if (mix === 'read-only' || (next() & 1) === 0) {
        const value = await store.get(key);
        // Every key was loaded and no client deletes: a miss is the engine's bug, not a result.
        if (value?.length !== VALUE_SIZE) throw new Error(`clients: get(${key.toString('hex')}) returned ${value === undefined ? 'undefined' : `${value.length} bytes`}`);
        gets++;
      } else {
        await store.put(key, data.values[next() % count]!);
        puts++;
      }
    }
  };
  const before = await counters(store);
  const cpuBefore = process.cpuUsage();
  const measured = await measure('clients', 'ops/s', ROUNDS, async (round) => {
    // The round's share of the operations, taken one at a time by whichever client is free.
    let left = Math.floor(((round + 1) * ops) / ROUNDS) - Math.floor((round * ops) / ROUNDS);
    const take = () => left-- > 0;
    const done = gets + puts;
    await Promise.all(streams.map((next) => client(next, take)));
    return gets + puts - done;
  });
  const cpu = process.cpuUsage(cpuBefore);
  const after = await counters(store);
  if (gets + puts !== ops) throw new Error(`clients: did ${gets + puts} operations, expected ${ops}`);
  // CPU over the tinybench total, which is the rounds' wall time (nothing else runs between them).
  const cpuPercent = ((cpu.user + cpu.system) / 1e6 / measured.seconds) * 100;
  return {
    ...measured,
    mix,
    clients,
    gets,
    puts,
    logSyncs: grew(before, after, 'logSyncs'),
    checkpoints: after.checkpoints - before.checkpoints,
    compactions: grew(before, after, 'compactions'),
    cacheMisses: grew(before, after, 'cacheMisses'),
    cpuPercent,
  };
}

export async function benchClients(request: ClientsRequest): Promise<ClientsReport> {
  const kind = CLIENT_ENGINES[request.engine];
  const started = performance.now();
  const data = makeDataSet(request.keys, 0, request.seed);
  const dir = await mkdtemp(path.join(request.tmp, `dbkata-bench-clients-${request.engine}-`));
  const measurements: ClientsMeasurement[] = [];
  try {
    let store = await openStore(kind, dir, request.memoryBudget);
    await load(store, data);
    // Closed and reopened, as child.ts does before its reads: the index holds the data on
    // disk, and the log starts empty.
    await store.close();
    store = await openStore(kind, dir, request.memoryBudget);
    try {
      await warmUp(store, data);
      for (const mix of CLIENT_MIXES) {
        for (const clients of request.clients) {
          // Untimed: the log emptied and (LSM) the memtable flushed, so every row starts alike,
          // and the default row (10,000 puts, ~1.4 MB of log) ends before an automatic checkpoint.
          await store.checkpoint();
          const m = await concurrentClients(store, data, mix, clients, mix === 'read-only' ? request.ops * READ_ONLY_FACTOR : request.ops);
          measurements.push(m);
          const perSync = m.logSyncs ? ` ${(m.puts / m.logSyncs).toFixed(1)} puts/fsync` : '';
          const plural = (n: number, what: string) => `, ${n} ${what}${n === 1 ? '' : 's'}`;
          const background = (m.checkpoints > 0 ? plural(m.checkpoints, 'checkpoint') : '') + (m.compactions ? plural(m.compactions, 'compaction') : '');
          log(`  ${request.engine.padEnd(16)} ${mix.padEnd(10)} ${String(clients).padStart(3)} clients ${Math.round(m.perSec).toLocaleString('en-US').padStart(9)} ops/s  (±${m.rme.toFixed(1)}%, ${m.seconds.toFixed(2)} s, CPU ${Math.round(m.cpuPercent)}%)${perSync}${background}`);
        }
      }
    } finally {
      await store.close();
    }
    return { engine: request.engine, ok: true, ...clientsMode(kind), measurements, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
