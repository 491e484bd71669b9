// `npm run bench`: times dbkata's engines on four workloads (random-write, random-read,
// full-scan, short-scan) and, with --peers, LevelDB, LMDB and SQLite on the same data in the
// same run, as ratios to LevelDB. Prints a markdown table; --json FILE writes the records.
// Each engine runs in a child process (child.ts); `--help` says the rest.

import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EngineReport, EngineRequest } from './child.ts';
import type { BenchEngine } from './engines/engine.ts';
import { BASELINE, ENGINES, engineNamed } from './engines/index.ts';
import { installPeers } from './peer-packages.ts';
import { markdown, records } from './report.ts';

/** Sized so that `--peers` runs in about a minute on 2 cores (well under the 5-minute budget). */
const DEFAULT_KEYS = 200_000;

const HELP = `Usage: npm run bench -- [options]

Times dbkata's engines on four workloads over the same seeded data set:
  random-write  every key put once, random order, 100 in flight, timed to durability (ops/s)
  random-read   every key read once after a reopen, shuffled (ops/s)
  full-scan     3 passes over the whole store in key order (keys/s)
  short-scan    many scans of 10-100 keys from random starts (keys/s)
and prints a markdown table; each engine runs in its own process and temp dir.

Options:
  --peers          also run LevelDB (classic-level), LMDB (lmdb) and SQLite (better-sqlite3),
                   installed on first use into bench/peers/ (npm ci --prefix bench/peers);
                   figures then show a ratio to LevelDB
  --engines a,b    only these engines: ${ENGINES.map((e) => e.name).join(', ')}
                   (default: the dbkata engines that exist, plus the peers with --peers)
  --keys N         keys in the data set (default ${DEFAULT_KEYS})
  --seed S         the data set's seed, a whole number (default 1)
  --durable        make every group of writes durable before the next (fsync per group)
  --group N        puts (and gets) in flight together (default 100); --group 1 with the
                   dbkata-wal engines times one fsync per commit, against group commit
                   instead of once at the end
  --memory MIB     memory budget / cache size in MiB, where the engine takes one (default 8)
  --json FILE      also write the results as a JSON array of records
  --tmp DIR        where the temp stores go (default ${os.tmpdir()})
  -h, --help       this help

Example: npm run bench -- --peers --json bench.json
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n(npm run bench -- --help lists the options)\n`);
  process.exit(2);
}

function wholeNumber(text: string | undefined, fallback: number, what: string, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`${what} must be a whole number >= ${min}, got "${text}"`);
  return n;
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        peers: { type: 'boolean' },
        engines: { type: 'string' },
        keys: { type: 'string' },
        seed: { type: 'string' },
        durable: { type: 'boolean' },
        group: { type: 'string' },
        memory: { type: 'string' },
        json: { type: 'string' },
        tmp: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  return {
    peers: parsed.peers === true,
    engines: pickEngines(parsed.engines, parsed.peers === true),
    keys: wholeNumber(parsed.keys, DEFAULT_KEYS, '--keys', 100),
    seed: wholeNumber(parsed.seed, 1, '--seed', 0),
    durable: parsed.durable === true,
    group: wholeNumber(parsed.group, 100, '--group', 1),
    memoryBudget: wholeNumber(parsed.memory, 8, '--memory', 1) * 2 ** 20,
    json: parsed.json,
    tmp: parsed.tmp ?? os.tmpdir(),
  };
}

function pickEngines(list: string | undefined, peers: boolean): BenchEngine[] {
  if (list === undefined) {
    const chosen = ENGINES.filter((e) => peers || !e.peer);
    for (const e of chosen) {
      const missing = e.missing();
      if (missing !== undefined) process.stderr.write(`skipping ${e.name}: ${missing}\n`);
    }
    return chosen.filter((e) => e.missing() === undefined);
  }
  return list.split(',').map((name) => {
    const engine = engineNamed(name.trim());
    if (engine === undefined) fail(`unknown engine "${name}"; the engines are ${ENGINES.map((e) => e.name).join(', ')}`);
    const missing = engine.missing();
    if (missing !== undefined) fail(`${engine.name} cannot run: ${missing}`);
    if (engine.peer && !peers) fail(`${engine.name} is a peer engine: add --peers (it installs bench/peers/)`);
    return engine;
  });
}

/** Forks child.ts for one engine and waits for its report; a crash becomes a failed report. */
function runChild(request: EngineRequest): Promise<EngineReport> {
  return new Promise((resolve) => {
    // The child's stdout goes to our stderr: stdout is the report's alone.
    const child = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [], { stdio: ['ignore', 2, 2, 'ipc'] });
    let report: EngineReport | undefined;
    child.once('message', (message) => {
      report = message as EngineReport;
    });
    child.once('error', (error) => resolve({ engine: request.engine, ok: false, error: error.message }));
    child.once('exit', (code, signal) => {
      resolve(report ?? { engine: request.engine, ok: false, error: `its process exited with ${signal ?? `code ${code}`} before reporting` });
    });
    child.send(request);
  });
}

async function main(): Promise<void> {
  const options = parse();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();
  if (options.peers && options.engines.some((e) => e.peer)) {
    try {
      installPeers(log);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }
  if (options.engines.length === 0) fail('no engine to run');
  log(`bench: ${options.keys.toLocaleString('en-US')} keys, seed ${options.seed}${options.durable ? ', --durable' : ''}: ${options.engines.map((e) => e.name).join(', ')}`);
  const reports: EngineReport[] = [];
  for (const engine of options.engines) {
    const report = await runChild({ engine: engine.name, keys: options.keys, seed: options.seed, durable: options.durable, memoryBudget: options.memoryBudget, group: options.group, tmp: options.tmp });
    if (report.ok) log(`  ${engine.name} done in ${report.seconds.toFixed(1)} s`);
    else log(`  ${engine.name} FAILED: ${report.error}`);
    reports.push(report);
  }
  const settings = { keys: options.keys, seed: options.seed, durable: options.durable, memoryBudget: options.memoryBudget, group: options.group, baseline: BASELINE } as const;
  const rows = records(reports, settings);
  process.stdout.write(markdown(reports, rows, settings));
  if (options.json !== undefined) {
    writeFileSync(options.json, `${JSON.stringify(rows, null, 2)}\n`);
    log(`wrote ${rows.length} records to ${options.json}`);
  }
  log(`bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

await main();
