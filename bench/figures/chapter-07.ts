// The figures of docs/07-transactions.md: `npm run figures -- 07 [histories|throughput|
// contention|versions|mutants]`. Histories and versions run on the simulated disk (seeded,
// the same every run); throughput and contention on the real one, in a temporary directory,
// so their numbers move with the machine and its load: quote the load with them.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkHistory, forbiddenUnder, type MicroOp, type Txn } from '../../harness/history/index.ts';
import { MUTANTS } from '../../harness/mutants/catalogue.ts';
import { buildMutant, runMutant } from '../../harness/mutants/run-mutants.ts';
import { runSuites } from '../../harness/runner/run-suites.ts';
import { DelegatingFileSystem } from '../../harness/sim-fs/delegating.ts';
import { SimFileSystem } from '../../harness/sim-fs/sim-fs.ts';
import { findStage } from '../../harness/stages.ts';
import { stage } from '../../reference/stages/07.ts';
import type { Isolation, TxStore, WalStoreOptions } from '../../stages/07-transactions/contract.ts';
import { type FileHandle, type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { type Figure, n, rng, table } from './figure.ts';

type Engine = 'lsm' | 'btree';
const ENGINES: readonly Engine[] = ['lsm', 'btree'];
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Opens the reference's stage 07 store on `engine` (the adapter reads KATA_ENGINE when it opens). */
function openOn(engine: Engine, options: WalStoreOptions): Promise<TxStore> {
  process.env.KATA_ENGINE = engine;
  return stage.openStore(options);
}

/** The real disk, in a fresh temporary directory, with its fsyncs counted. */
class CountingFs extends DelegatingFileSystem {
  syncs = 0;
  protected override handle(_file: string, inner: FileHandle): FileHandle {
    return { ...inner, read: inner.read.bind(inner), write: inner.write.bind(inner), append: inner.append.bind(inner), size: inner.size.bind(inner), truncate: inner.truncate.bind(inner), close: inner.close.bind(inner), sync: async () => (this.syncs++, inner.sync()) };
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

// --- histories: 100 list-append histories per level and engine, checked -------------------

/** One history: 8 clients, 60 transactions of 2–4 operations over 3 keys, then one read of every key. */
async function history(engine: Engine, isolation: Isolation, seed: number): Promise<Txn[]> {
  const random = rng(seed);
  const store = await openOn(engine, { dir: '/db', fs: new SimFileSystem({ seed, jitter: true }), paranoid: false, memoryBudget: 16 * 1024 });
  const keys = ['k0', 'k1', 'k2'];
  const txns: Txn[] = [];
  let [nextId, nextValue, left] = [1, 1, 60];
  const client = async (process: number) => {
    while (left-- > 0) {
      const record: Txn = { id: nextId++, process, status: 'ok', ops: [] };
      const tx = store.begin({ isolation });
      try {
        for (let i = 2 + Math.floor(random() * 3); i > 0; i--) {
          const key = keys[Math.floor(random() * keys.length)]!;
          const value = dec(await tx.get(enc(key)));
          const list = value === undefined || value === '' ? [] : value.split(' ').map(Number);
          record.ops.push({ f: 'read', key, value: list });
          if (random() < 2 / 3) {
            const appended = nextValue++;
            await tx.put(enc(key), enc([...list, appended].join(' ')));
            record.ops.push({ f: 'append', key, value: appended });
          }
          for (let p = Math.floor(random() * 3); p > 0; p--) await yieldNow();
        }
        await tx.commit();
      } catch (error) {
        if ((error as { code?: string }).code !== 'CONFLICT') throw error;
        record.status = 'fail';
        for (const op of record.ops) if (op.f === 'read') op.value = null;
      }
      txns.push(record);
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, i) => client(i)));
  const last = store.begin({ isolation });
  const ops: MicroOp[] = [];
  for (const key of keys) ops.push({ f: 'read', key, value: (dec(await last.get(enc(key))) ?? '').split(' ').filter(Boolean).map(Number) });
  await last.commit();
  txns.push({ id: nextId, process: 8, status: 'ok', ops });
  await store.close();
  return txns;
}

async function histories(): Promise<void> {
  const rows = [['level', 'engine', 'committed', 'with anomalies', 'anomalies seen', 'forbidden']];
  for (const isolation of ['snapshot', 'serializable'] as const) {
    for (const engine of ENGINES) {
      let [committed, total, withAnomalies, forbidden] = [0, 0, 0, 0];
      const seen = new Map<string, number>();
      for (let seed = 1; seed <= 100; seed++) {
        const txns = await history(engine, isolation, seed);
        const result = checkHistory(txns);
        committed += result.stats.committed;
        total += result.stats.txns;
        if (result.anomalies.length > 0) withAnomalies++;
        for (const a of result.anomalies) seen.set(a.name, (seen.get(a.name) ?? 0) + 1);
        forbidden += forbiddenUnder(isolation, result.anomalies).length;
      }
      const names = [...seen].map(([name, count]) => `${name} ${n(count)}`).join(', ') || 'none';
      rows.push([isolation, engine, `${n(committed)} of ${n(total)}`, `${withAnomalies} of 100`, names, String(forbidden)]);
    }
  }
  console.log(table(rows));
}

// --- throughput: committed transactions per second on the real disk ------------------------

async function throughput(): Promise<void> {
  const rows = [['engine', 'clients', 'commits/s', 'fsyncs/commit', 'resolved before one called earlier']];
  for (const engine of ENGINES) {
    for (const clients of [1, 16]) {
      await onRealDisk(async (fs, dir) => {
        const store = await openOn(engine, { dir, fs, sync: 'commit' });
        const value = new Uint8Array(100).fill(120);
        let [next, called, resolvedEarly] = [0, 0, 0];
        const open = new Set<number>();
        const started = performance.now();
        const syncsBefore = fs.syncs;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (next < 2000) {
              const i = next++;
              const tx = store.begin();
              for (let k = 0; k < 3; k++) await tx.put(enc(`t${i}:${k}`), value);
              const order = called++;
              open.add(order);
              await tx.commit();
              open.delete(order);
              if ([...open].some((other) => other < order)) resolvedEarly++;
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        rows.push([engine, String(clients), n(Math.round(2000 / seconds)), ((fs.syncs - syncsBefore) / 2000).toFixed(3), `${resolvedEarly} of 2,000`]);
        await store.close();
      });
    }
  }
  console.log(table(rows));
  console.log(`\n(load average ${os.loadavg()[0]!.toFixed(1)}, ${os.cpus().length} cores, Node ${process.version})`);
}

// --- contention: refused attempts of 16 clients over a hot set, real disk, LSM tree --------

async function contention(): Promise<void> {
  const rows = [['hot keys', 'writes', 'isolation', 'refused attempts', 'sum checked']];
  for (const hot of [16, 256, 4096]) {
    for (const writes of [3, 1]) {
      for (const isolation of ['snapshot', 'serializable'] as const) {
        await onRealDisk(async (fs, dir) => {
          const store = await openOn('lsm', { dir, fs, sync: 'commit' });
          const random = rng(hot * 10 + writes);
          let [commits, attempts] = [0, 0];
          await Promise.all(
            Array.from({ length: 16 }, async () => {
              while (commits < 2000) {
                // Three different keys: a key written twice from one read would count once.
                const keys = new Set<string>();
                while (keys.size < 3) keys.add(`hot:${Math.floor(random() * hot)}`);
                for (;;) {
                  attempts++;
                  const tx = store.begin({ isolation });
                  const values = [];
                  for (const key of keys) values.push(Number(dec(await tx.get(enc(key))) ?? '0'));
                  const written = [...keys].slice(0, writes);
                  for (const [i, key] of written.entries()) await tx.put(enc(key), enc(String(values[i]! + 1)));
                  try {
                    await tx.commit();
                    commits++;
                    break;
                  } catch (error) {
                    if ((error as { code?: string }).code !== 'CONFLICT') throw error;
                    await sleep(random() * 2);
                  }
                }
              }
            }),
          );
          let sum = 0;
          for await (const { value } of store.scan()) sum += Number(dec(value));
          const ok = sum === commits * writes ? 'no update lost' : `LOST: ${sum} ≠ ${commits * writes}`;
          rows.push([String(hot), String(writes), isolation, `${(((attempts - commits) / attempts) * 100).toFixed(1)}%`, ok]);
          await store.close();
        });
      }
    }
  }
  console.log(table(rows));
  console.log(`\n(each transaction reads 3 random hot keys and writes back the first 1 or all 3; load average ${os.loadavg()[0]!.toFixed(1)})`);
}

// --- versions: stats().versions under many short transactions, and under one long snapshot -

async function versions(): Promise<void> {
  const fs = new SimFileSystem({ seed: 7, jitter: true });
  const store = await openOn('lsm', { dir: '/db', fs, paranoid: false });
  let [most, next] = [0, 0];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 2000) {
        const i = next++;
        for (;;) {
          const tx = store.begin();
          const key = enc(`key:${i % 100}`);
          await tx.get(key);
          await tx.put(key, enc(`v${i}`));
          try {
            await tx.commit();
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== 'CONFLICT') throw error;
          }
        }
        most = Math.max(most, (await store.stats()).versions);
      }
    }),
  );
  console.log(`16 clients, 2,000 short transactions over 100 keys: versions at most ${n(most)}, ${n((await store.stats()).versions)} at the end`);
  for (let k = 0; k < 1000; k++) await store.put(enc(`long:${k}`), enc('initial'));
  const long = store.begin();
  for (let i = 0; i < 10_000; i++) await store.put(enc(`long:${i % 1000}`), enc(`v${i}`));
  const held = (await store.stats()).versions;
  await long.rollback();
  await store.put(enc('long:0'), enc('after'));
  console.log(`one snapshot held through 10,000 commits over 1,000 keys: ${n(held)} versions; ${n((await store.stats()).versions)} once it ended and one more commit resolved`);
  await store.close();
}

// --- mutants: which stage 07 tests catch each classic bug, in full -------------------------

async function mutants(): Promise<void> {
  const rows = [['mutant', 'caught by']];
  for (const mutant of MUTANTS.filter((m) => m.stage === '07')) {
    const outcome = await runMutant(mutant, 1);
    rows.push([mutant.id, outcome.problem ?? outcome.killedBy.join(' ')]);
  }
  console.log(table(rows));
  // What a learner sees when first-committer-wins is missing: 07-H01's report.
  const mutant = MUTANTS.find((m) => m.id === 'txn-no-write-write-check')!;
  const [outcome] = await runSuites({ stages: [findStage('07')!], target: 'reference', seed: 1, referenceRoot: buildMutant(mutant), showConsole: false, only: '07-H01' });
  const h01 = outcome!.tests.find((t) => t.id === '07-H01');
  console.log(`\n07-H01 on ${mutant.id}:\n${h01?.message.split('\n').slice(0, 14).join('\n') ?? '(not run)'}`);
}

export const FIGURES_07: readonly Figure[] = [
  { name: 'histories', what: '100 list-append histories per level and engine, 8 clients, simulated disk with jitter, checked', run: histories },
  { name: 'throughput', what: 'commits/s of 2,000 three-put transactions, 1 and 16 clients, real disk, sync commit', run: throughput },
  { name: 'contention', what: 'refused attempts of 16 clients over 16/256/4,096 hot keys, real disk, LSM tree', run: contention },
  { name: 'versions', what: 'stats().versions under 16 clients of short transactions, and under one long snapshot (simulated disk)', run: versions },
  { name: 'mutants', what: "the stage 07 tests that catch each classic bug, and 07-H01's report on a lost update", run: mutants },
];
