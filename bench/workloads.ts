// The four workloads, timed with tinybench. Each is split into a fixed number of chunks, one
// tinybench iteration each (no warm-up, no time budget), so every engine does exactly the same
// work and the samples show how steady it was. Each workload checks its answers: a fast
// engine that returns the wrong thing fails the run instead of winning it.

import { Bench } from 'tinybench';
import { type DataSet, VALUE_SIZE } from './data.ts';
import type { BenchStore } from './engines/engine.ts';

export type WorkloadName = 'random-write' | 'random-read' | 'full-scan' | 'short-scan';
export const WORKLOADS: readonly WorkloadName[] = ['random-write', 'random-read', 'full-scan', 'short-scan'];

/** Puts (or gets) handed to the engine together, by default: up to this many in flight (--group). */
export const DEFAULT_GROUP = 100;
/** Tinybench iterations (samples) per workload, but for full-scan. */
const CHUNKS = 20;
/** Full scans of the whole data set, one sample each. */
export const FULL_SCAN_PASSES = 3;

/** W: the workload's name; the concurrent-clients bench (clients.ts) times its own under 'clients'. */
export interface Measurement<W extends string = WorkloadName> {
  workload: W;
  unit: 'ops/s' | 'keys/s';
  /** Operations (writes, gets) or keys (scans) done in the timed part. */
  count: number;
  seconds: number;
  perSec: number;
  /** Tinybench samples (chunks) and their relative margin of error, in percent. */
  samples: number;
  rme: number;
}

/** Runs `chunks` calls of `chunk(i)` as one tinybench task; each returns how many operations or keys it did. */
export async function measure<W extends string>(workload: W, unit: Measurement['unit'], chunks: number, chunk: (i: number) => Promise<number>): Promise<Measurement<W>> {
  let calls = 0;
  let count = 0;
  const bench = new Bench({ name: workload, iterations: chunks, time: 0, warmup: false, throws: true });
  bench.add(workload, async () => {
    count += await chunk(calls++);
  });
  await bench.run();
  const result = bench.tasks[0]!.result;
  if (result.state !== 'completed') throw new Error(`${workload}: tinybench ended in state ${result.state}`);
  if (calls !== chunks) throw new Error(`${workload}: tinybench ran ${calls} iterations, expected ${chunks}`);
  const seconds = result.totalTime / 1000;
  return { workload, unit, count, seconds, perSec: count / seconds, samples: result.latency.samplesCount, rme: result.latency.rme };
}

/** The part of [0, total) that chunk i of `chunks` covers. */
function chunkRange(i: number, chunks: number, total: number): [number, number] {
  return [Math.floor((i * total) / chunks), Math.floor(((i + 1) * total) / chunks)];
}

/**
 * Writes every key once, in random key order, `group` puts in flight at a time. Durable at the
 * end: the last group is a durability point (the engine's flush/fsync), and it is timed. With
 * `durable`, every group is one.
 */
export function randomWrite(store: BenchStore, data: DataSet, durable: boolean, group = DEFAULT_GROUP): Promise<Measurement> {
  const total = data.keys.length;
  return measure('random-write', 'ops/s', CHUNKS, async (i) => {
    const [from, to] = chunkRange(i, CHUNKS, total);
    for (let start = from; start < to; start += group) {
      const end = Math.min(start + group, to);
      await store.putGroup(data.keys.slice(start, end), data.values.slice(start, end), durable || end === total);
    }
    return to - from;
  });
}

/** Gets every key once, in a shuffled order, `group` in flight at a time; every answer is checked. */
export function randomRead(store: BenchStore, data: DataSet, group = DEFAULT_GROUP): Promise<Measurement> {
  const total = data.readOrder.length;
  return measure('random-read', 'ops/s', CHUNKS, async (i) => {
    const [from, to] = chunkRange(i, CHUNKS, total);
    for (let start = from; start < to; start += group) {
      const keys = data.readOrder.slice(start, Math.min(start + group, to)).map((index) => data.keys[index]!);
      const values = await store.getGroup(keys);
      for (let k = 0; k < keys.length; k++) {
        if (values[k]?.length !== VALUE_SIZE) throw new Error(`random-read: get(${keys[k]!.toString('hex')}) returned ${describe(values[k])}`);
      }
    }
    return to - from;
  });
}

/** Reads the whole data set in key order, FULL_SCAN_PASSES times; keys per second. */
export function fullScan(store: BenchStore, data: DataSet): Promise<Measurement> {
  return measure('full-scan', 'keys/s', FULL_SCAN_PASSES, async () => {
    const count = await store.scan(undefined, undefined);
    if (count !== data.keys.length) throw new Error(`full-scan: read ${count} entries, the store holds ${data.keys.length}`);
    return count;
  });
}

/** Many short scans (10–100 keys) from random start points, one after another; keys per second. */
export async function shortScan(store: BenchStore, data: DataSet): Promise<Measurement> {
  const total = data.shortScans.length;
  const measured = await measure('short-scan', 'keys/s', CHUNKS, async (i) => {
    const [from, to] = chunkRange(i, CHUNKS, total);
    let keys = 0;
    for (let s = from; s < to; s++) keys += await store.scan(data.shortScans[s]!.start, data.shortScans[s]!.limit);
    return keys;
  });
  if (measured.count !== data.shortScanKeys) throw new Error(`short-scan: read ${measured.count} entries in all, expected ${data.shortScanKeys}`);
  return measured;
}

/** Untimed: the first `sample` keys of the read order come back with exactly the value written. */
export async function checkValues(store: BenchStore, data: DataSet, sample: number): Promise<void> {
  const indexes = data.readOrder.slice(0, sample);
  const values = await store.getGroup(indexes.map((index) => data.keys[index]!));
  indexes.forEach((index, k) => {
    const got = values[k];
    if (got === undefined || Buffer.compare(got, data.values[index]!) !== 0) {
      throw new Error(`get(${data.keys[index]!.toString('hex')}) returned ${describe(got)}, not the value written`);
    }
  });
}

function describe(value: Uint8Array | undefined): string {
  return value === undefined ? 'undefined' : `${value.length} bytes`;
}
