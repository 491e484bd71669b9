// The figures of docs/05-disk-index.md: `npm run figures -- 05 [amplification]`. It runs on the
// real disk, in a temporary directory; its counts (bytes, reads) do not depend on the machine.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DelegatingFileSystem } from '../../harness/sim-fs/delegating.ts';
import { stage } from '../../reference/stages/05.ts';
import { type FileHandle, type FileSystem, nodeFileSystem } from '../../stages/file-system.ts';
import { type Figure, n, rng, table } from './figure.ts';

type Engine = 'lsm' | 'btree';

/** Counts bytes written, and reads (calls and bytes), through every handle. */
class CountingFs extends DelegatingFileSystem {
  written = 0;
  reads = 0;
  bytesRead = 0;
  protected override handle(_file: string, inner: FileHandle): FileHandle {
    return {
      size: inner.size.bind(inner),
      truncate: inner.truncate.bind(inner),
      close: inner.close.bind(inner),
      sync: inner.sync.bind(inner),
      read: async (position, length) => {
        const bytes = await inner.read(position, length);
        this.reads++;
        this.bytesRead += bytes.length;
        return bytes;
      },
      write: async (position, data) => ((this.written += data.length), inner.write(position, data)),
      append: async (data) => ((this.written += data.length), inner.append(data)),
    };
  }
}

const KEYS = 100_000;
const VALUE = new Uint8Array(100).fill(120);

function randomKeys(seed: number, count: number): Uint8Array[] {
  const random = rng(seed);
  return Array.from({ length: count }, () => Uint8Array.from({ length: 16 }, () => Math.floor(random() * 256)));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = rng(seed);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Random puts, flush, reopen, shuffled gets, gets of missing keys, a full scan: the counts of each. */
async function measure(engine: Engine): Promise<string[]> {
  process.env.KATA_ENGINE = engine;
  const root = mkdtempSync(path.join(os.tmpdir(), 'dbkata-figures-'));
  try {
    const fs = new CountingFs(nodeFileSystem as FileSystem);
    const dir = path.join(root, 'db');
    const keys = randomKeys(1, KEYS);
    const live = KEYS * (16 + VALUE.length);
    let store = await stage.openStore({ dir, fs, memoryBudget: 8 << 20 });
    for (let i = 0; i < KEYS; i += 100) await Promise.all(keys.slice(i, i + 100).map((key) => store.put(key, VALUE)));
    await store.flush();
    const written = fs.written;
    await store.close();
    store = await stage.openStore({ dir, fs, memoryBudget: 8 << 20 });
    const fileBytes = (await store.stats()).files.reduce((sum, file) => sum + file.bytes, 0);
    let [reads, bytes] = [fs.reads, fs.bytesRead];
    for (const key of shuffled(keys, 2)) await store.get(key);
    const perGet = `${((fs.reads - reads) / KEYS).toFixed(2)} (${n(Math.round((fs.bytesRead - bytes) / KEYS))})`;
    reads = fs.reads;
    const missing = randomKeys(3, 10_000);
    for (const key of missing) await store.get(key);
    const perMissing = ((fs.reads - reads) / missing.length).toFixed(3);
    bytes = fs.bytesRead;
    for await (const _ of store.scan()) void _;
    const scan = ((fs.bytesRead - bytes) / live).toFixed(2);
    await store.close();
    return [(written / live).toFixed(2), (fileBytes / live).toFixed(2), perGet, perMissing, scan];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function amplification(): Promise<void> {
  const [lsm, btree] = [await measure('lsm'), await measure('btree')];
  const labels = [
    'write amp (bytes written / byte put)',
    'space amp (file bytes / live bytes)',
    'reads per get (bytes read per get)',
    'reads per get of a missing key',
    'full scan (bytes read / live bytes)',
  ];
  console.log(table([['', 'LSM', 'B+tree'], ...labels.map((label, i) => [label, lsm[i]!, btree[i]!])]));
  console.log(`\n(${n(KEYS)} random 16-byte keys, 100-byte values, 100 puts in flight, flush, reopen; ${n(KEYS)} shuffled gets,`);
  console.log(' 10,000 gets of missing keys, one full scan; 8 MiB budget; real disk, in a temporary directory)');
}

export const FIGURES_05: readonly Figure[] = [
  { name: 'amplification', what: 'write, space and read amplification of both engines on 100,000 keys (real disk; counts, not times)', run: amplification },
];
