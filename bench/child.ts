// Runs the workloads against one engine, in a process of its own that run.ts forks: one
// engine's heap, caches and native crashes cannot touch another's figures. The store lives in
// a fresh temp dir: written, closed and reopened (so reads come from what is on disk, not
// from what the writes left in memory), read, scanned, then removed. A request of kind
// 'clients' runs the concurrent-clients bench (clients.ts) instead.

import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { benchClients, type ClientsReport, type ClientsRequest } from './clients.ts';
import { makeDataSet } from './data.ts';
import type { EngineName, Mode } from './engines/engine.ts';
import { engineNamed } from './engines/index.ts';
import { checkValues, fullScan, type Measurement, randomRead, randomWrite, shortScan } from './workloads.ts';

export interface EngineRequest {
  kind?: 'workloads';
  engine: EngineName;
  keys: number;
  seed: number;
  durable: boolean;
  memoryBudget: number;
  /** Puts or gets in flight together. */
  group: number;
  /** The folder the temp dir is made in. */
  tmp: string;
}

export type EngineReport =
  | { engine: EngineName; ok: true; version: string; mode: Mode; measurements: Measurement[]; seconds: number }
  | { engine: EngineName; ok: false; error: string };

/** One short scan per this many keys: about as many keys as the data set holds, in all. */
const KEYS_PER_SHORT_SCAN = 50;
/** Values compared byte for byte after the timed reads. */
const CHECKED_VALUES = 1000;

const log = (line: string) => process.stderr.write(`${line}\n`);

export async function benchEngine(request: EngineRequest): Promise<EngineReport> {
  const engine = engineNamed(request.engine);
  if (engine === undefined) throw new Error(`unknown engine ${request.engine}`);
  const started = performance.now();
  const data = makeDataSet(request.keys, Math.ceil(request.keys / KEYS_PER_SHORT_SCAN), request.seed);
  const dir = await mkdtemp(path.join(request.tmp, `dbkata-bench-${engine.name}-`));
  const options = { dir, durable: request.durable, memoryBudget: request.memoryBudget };
  const measurements: Measurement[] = [];
  const report = (m: Measurement) => {
    measurements.push(m);
    const rate = Math.round(m.perSec).toLocaleString('en-US');
    log(`  ${engine.name.padEnd(12)} ${m.workload.padEnd(12)} ${rate.padStart(11)} ${m.unit}  (${m.samples} samples, ±${m.rme.toFixed(1)}%, ${m.seconds.toFixed(2)} s)`);
  };
  try {
    const version = engine.version();
    let store = await engine.open(options);
    report(await randomWrite(store, data, request.durable, request.group));
    await store.close();
    store = await engine.open(options);
    report(await randomRead(store, data, request.group));
    report(await fullScan(store, data));
    report(await shortScan(store, data));
    await checkValues(store, data, CHECKED_VALUES);
    await store.close();
    return { engine: engine.name, ok: true, version, mode: engine.mode(request.durable), measurements, seconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Forked by run.ts: one request in, one report out.
if (process.send !== undefined) {
  process.once('message', (request: EngineRequest | ClientsRequest) => {
    const run: Promise<EngineReport | ClientsReport> = request.kind === 'clients' ? benchClients(request) : benchEngine(request);
    run.then(
      (report) => process.send!(report, () => process.exit(0)),
      (error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.send!({ engine: request.engine, ok: false, error: message } satisfies EngineReport, () => process.exit(1));
      },
    );
  });
}
