// The stages the crash runner can drive, behind one small interface: open the store in a
// directory on the real file system, run a workload step the way the stage makes writes
// durable (stage 03: apply, then save; stage 05: write, and now and then flush; stages 04,
// 06 and 07: each put or delete is acknowledged by its own promise), and read the whole
// content back after a crash.

import { pathToFileURL } from 'node:url';
import type { Stage03 } from '../../stages/03-persistence/contract.ts';
import type { Stage04, SyncPolicy } from '../../stages/04-append-log/contract.ts';
import type { Stage05 } from '../../stages/05-disk-index/contract.ts';
import type { Stage06, SyncMode, WalStoreOptions } from '../../stages/06-wal/contract.ts';
import type { Stage07, TxStore } from '../../stages/07-transactions/contract.ts';
import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import { nodeFileSystem } from '../../stages/file-system.ts';
import { type TargetKind, targetFile } from '../target.ts';
import type { ChildMessage, Op } from './protocol.ts';
import type { Durability } from './tracker.ts';
import type { Step } from './workload.ts';

export type Report = (message: ChildMessage) => void;

export interface CrashStore {
  /** Runs one step, numbering its writes with `nextSeq` and reporting each as it goes. */
  run(step: Step, nextSeq: () => number, report: Report): Promise<void>;
  /** Every entry, as latin1 text (one character per byte, so nothing is lost in decoding). */
  content(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  dir: string;
  target: TargetKind;
  sync?: string;
}

export interface StageDriver {
  id: string;
  /** How a write is acknowledged (tracker.ts): by its promise, a save() or a flush() after it. */
  durability: Durability;
  maxBatch: number;
  canCompact: boolean;
  /** One step in this many is a flush (stage 05); none when undefined. */
  flushOdds?: number;
  /** The --sync values the stage takes; none when it has no sync policy. */
  syncPolicies: readonly string[];
  /** The kill comes after at most this many acknowledgements (ack or saved messages). */
  maxAcksBeforeKill: number;
  open(options: OpenOptions): Promise<CrashStore>;
}

const bytes = (text: string) => Buffer.from(text, 'latin1');
const text = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');

/** The `stage` object of the learner's or the reference's module for a stage. */
async function loadStage<T>(stageId: string, target: TargetKind): Promise<T> {
  // KATA_REFERENCE_ROOT as it is now, not as it was when target.ts loaded: the crash runner is
  // the harness's own process (no learner code runs in it before this), and its test points it
  // at a patched copy of the reference after loading, for the children and the checks alike.
  const file = targetFile(stageId, target, process.env.KATA_REFERENCE_ROOT || undefined);
  const module = (await import(pathToFileURL(file).href)) as { stage?: { openStore?: unknown } };
  if (typeof module.stage?.openStore !== 'function') throw new Error(`${file} must export \`stage\` with openStore (see the contract.ts beside it)`);
  return module.stage as T;
}

async function readAll(store: KvStore): Promise<Map<string, string>> {
  const content = new Map<string, string>();
  for await (const entry of store.scan()) content.set(text(entry.key), text(entry.value));
  return content;
}

function numbered(spec: Step & { kind: 'writes' }, nextSeq: () => number): Op[] {
  return spec.ops.map((op) => ({ seq: nextSeq(), ...op }));
}

const stage03: StageDriver = {
  id: '03',
  durability: 'on-save',
  maxBatch: 6,
  canCompact: false,
  syncPolicies: [],
  maxAcksBeforeKill: 16,
  async open({ dir, target }) {
    const stage = await loadStage<Stage03>('03', target);
    const store = await stage.openStore({ dir, fs: nodeFileSystem });
    return {
      async run(step, nextSeq, report) {
        if (step.kind !== 'writes') return;
        const ops = numbered(step, nextSeq);
        for (const op of ops) {
          report({ type: 'begin', ...op });
          await (op.op === 'put' ? store.put(bytes(op.key), bytes(op.value!)) : store.delete(bytes(op.key)));
        }
        const through = ops.at(-1)!.seq;
        report({ type: 'save', through });
        await store.save();
        report({ type: 'saved', through });
      },
      content: () => readAll(store),
      close: () => store.close(),
    };
  },
};

/**
 * Stage 05: writes are made one after the other and awaited, and are durable only at a
 * flush, which the workload draws now and then. A 32 KiB budget, so the store also flushes
 * memtables and compacts (LSM), or spills pages (B+tree), on its own between them. After the
 * kill the store must hold the state after one write at or after the last completed flush.
 */
const stage05: StageDriver = {
  id: '05',
  durability: 'on-flush',
  maxBatch: 6,
  canCompact: false,
  flushOdds: 8,
  syncPolicies: [],
  maxAcksBeforeKill: 24,
  async open({ dir, target }) {
    const stage = await loadStage<Stage05>('05', target);
    const store = await stage.openStore({ dir, fs: nodeFileSystem, memoryBudget: 32 * 1024 });
    let last: number | undefined;
    return {
      async run(step, nextSeq, report) {
        if (step.kind === 'flush') {
          if (last === undefined) return; // nothing written yet this cycle
          const through = last;
          report({ type: 'save', through });
          await store.flush();
          report({ type: 'saved', through });
          return;
        }
        if (step.kind !== 'writes') return;
        for (const op of numbered(step, nextSeq)) {
          report({ type: 'begin', ...op });
          await (op.op === 'put' ? store.put(bytes(op.key), bytes(op.value!)) : store.delete(bytes(op.key)));
          last = op.seq;
        }
      },
      content: () => readAll(store),
      close: () => store.close(),
    };
  },
};

/** Makes a step's writes and reports each one: begun, then acknowledged. */
type WriteStep = (ops: readonly Op[], report: Report) => Promise<void>;

/**
 * Stages 04 and 06: the writes are called one after the other (call order is log order) and
 * awaited together (group commit); each is acknowledged by its own promise.
 */
function concurrentWrites(store: KvStore): WriteStep {
  return async (ops, report) => {
    const pending = ops.map((op) => {
      report({ type: 'begin', ...op });
      const done = op.op === 'put' ? store.put(bytes(op.key), bytes(op.value!)) : store.delete(bytes(op.key));
      return Promise.resolve(done).then(() => report({ type: 'ack', ...op }));
    });
    const failed = (await Promise.allSettled(pending)).find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
}

/** Stage 07: the writes are one transaction, all acknowledged when its commit resolves. */
function transactionWrites(store: TxStore): WriteStep {
  return async (ops, report) => {
    const tx = store.begin();
    for (const op of ops) {
      report({ type: 'begin', ...op });
      await (op.op === 'put' ? tx.put(bytes(op.key), bytes(op.value!)) : tx.delete(bytes(op.key)));
    }
    await tx.commit();
    for (const op of ops) report({ type: 'ack', ...op });
  };
}

/** A store whose writes are acknowledged per step (as `writes` makes them), and which can compact. */
function perOpStore(store: KvStore & { close(): Promise<void> }, compact: () => Promise<void>, writes: WriteStep): CrashStore {
  return {
    async run(step, nextSeq, report) {
      if (step.kind === 'compact') {
        report({ type: 'compact' });
        await compact();
        report({ type: 'compacted' });
        return;
      }
      if (step.kind === 'writes') await writes(numbered(step, nextSeq), report);
    },
    content: () => readAll(store),
    close: () => store.close(),
  };
}

const stage04: StageDriver = {
  id: '04',
  durability: 'per-op',
  maxBatch: 4,
  canCompact: true,
  syncPolicies: ['always', 'batch'],
  maxAcksBeforeKill: 120,
  async open({ dir, target, sync }) {
    const stage = await loadStage<Stage04>('04', target);
    const store = await stage.openStore({ dir, fs: nodeFileSystem, ...(sync === undefined ? {} : { sync: sync as SyncPolicy }) });
    return perOpStore(store, () => store.compact(), concurrentWrites(store));
  },
};

/** Stages 06 and 07: a small budget and log, so the index flushes and the log checkpoints within a cycle. */
function walOptions(dir: string, sync: string | undefined): WalStoreOptions {
  return { dir, fs: nodeFileSystem, memoryBudget: 64 * 1024, checkpointBytes: 8 * 1024, ...(sync === undefined ? {} : { sync: sync as SyncMode }) };
}

/**
 * Stage 06: the write-ahead log in front of the index (KATA_ENGINE picks the reference's).
 * A small budget and log, so the index flushes and the log checkpoints within a cycle; the
 * workload's compact step is an explicit checkpoint. kill -9 keeps the page cache, so even
 * sync 'window' must keep every write it acknowledged.
 */
const stage06: StageDriver = {
  id: '06',
  durability: 'per-op',
  maxBatch: 4,
  canCompact: true,
  syncPolicies: ['commit', 'window'],
  maxAcksBeforeKill: 150,
  async open({ dir, target, sync }) {
    const store = await (await loadStage<Stage06>('06', target)).openStore(walOptions(dir, sync));
    return perOpStore(store, () => store.checkpoint(), concurrentWrites(store));
  },
};

/**
 * Stage 07: as stage 06, but each step's writes are one transaction — all acknowledged when its
 * commit resolves, and after a kill all there or none (the bank's transfers keep the total).
 */
const stage07: StageDriver = {
  ...stage06,
  id: '07',
  async open({ dir, target, sync }) {
    const store = await (await loadStage<Stage07>('07', target)).openStore(walOptions(dir, sync));
    return perOpStore(store, () => store.checkpoint(), transactionWrites(store));
  },
};

export const DRIVERS: Readonly<Record<string, StageDriver>> = { '03': stage03, '04': stage04, '05': stage05, '06': stage06, '07': stage07 };
