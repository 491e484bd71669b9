// `npm run bench`: times dbkata's engines on four workloads (random-write, random-read,
// full-scan, short-scan) and, with --peers, LevelDB, LMDB and SQLite on the same data in the
// same run, as ratios to LevelDB. Prints a markdown table; --json FILE writes the records.
// With --clients it runs the concurrent-clients bench (clients.ts) instead. Each engine runs
// in a child process (child.ts); `--help` says the rest.

import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EngineReport, EngineRequest } from './child.ts';
import { CLIENT_ENGINES, type ClientEngine, type ClientsReport, type ClientsRequest, DEFAULT_CLIENT_KEYS, DEFAULT_CLIENT_OPS, DEFAULT_CLIENTS } from './clients.ts';
import { clientsMarkdown, clientsRecords } from './clients-report.ts';
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

Concurrent clients, instead of the four workloads:
  --clients [a,b]  the stage 07 store (transactions, WAL, sync 'commit') of ${Object.keys(CLIENT_ENGINES).join(' and ')}
                   under a, b... concurrent clients (default ${DEFAULT_CLIENTS.join(',')}), each an async loop
                   awaiting one operation at a time: 50% get / 50% put, then 100% get, of random
                   loaded keys; ops/s and puts per log fsync (group commit). --keys defaults to
                   ${DEFAULT_CLIENT_KEYS.toLocaleString('en-US')} here; --engines, --seed, --memory, --json, --tmp apply
  --client-ops N   operations per engine, mix and client count, all clients together
                   (default ${DEFAULT_CLIENT_OPS.toLocaleString('en-US')})

Example: npm run bench -- --peers --json bench.json
         npm run bench -- --clients 1,8,64
`;

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--peers] [--engines A,B] [--keys N] [--seed N] [--durable] [--group N] [--clients N,N] [--json FILE] (--help lists them)\n`);
  process.exit(2);
}

function wholeNumber(text: string | undefined, fallback: number, what: string, min: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) fail(`${what} must be a whole number >= ${min}, got "${text}"`);
  return n;
}

/** Flags that mean nothing to the clients bench: refused, rather than silently ignored. */
const NOT_WITH_CLIENTS = ['peers', 'durable', 'group'] as const;

/**
 * `--clients` may come without a value (parseArgs has no optional values): a bare one, at the
 * end or before another flag, becomes `--clients=<default>`.
 */
function withClientsDefault(args: readonly string[]): string[] {
  return args.map((arg, i) => (arg === '--clients' && (args[i + 1] ?? '-').startsWith('-') ? `--clients=${DEFAULT_CLIENTS.join(',')}` : arg));
}

function parse() {
  let parsed;
  try {
    parsed = parseArgs({
      args: withClientsDefault(process.argv.slice(2)),
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
        clients: { type: 'string' },
        'client-ops': { type: 'string' },
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
  if (parsed.clients !== undefined) {
    for (const flag of NOT_WITH_CLIENTS) if (parsed[flag] !== undefined) fail(`--${flag} has no effect with --clients`);
    return {
      mode: 'clients' as const,
      engines: pickClientEngines(parsed.engines),
      clients: clientCounts(parsed.clients),
      ops: wholeNumber(parsed['client-ops'], DEFAULT_CLIENT_OPS, '--client-ops', 1),
      keys: wholeNumber(parsed.keys, DEFAULT_CLIENT_KEYS, '--keys', 100),
      seed: wholeNumber(parsed.seed, 1, '--seed', 0),
      memoryBudget: wholeNumber(parsed.memory, 8, '--memory', 1) * 2 ** 20,
      json: parsed.json,
      tmp: parsed.tmp ?? os.tmpdir(),
    };
  }
  if (parsed['client-ops'] !== undefined) fail('--client-ops goes with --clients');
  return {
    mode: 'workloads' as const,
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

function clientCounts(list: string): number[] {
  const counts = list.split(',').map((text) => wholeNumber(text.trim(), 0, '--clients (each count)', 1));
  if (new Set(counts).size !== counts.length) fail(`--clients lists a count twice: ${list}`);
  return counts.sort((a, b) => a - b); // the table reads as a scaling curve
}

function pickClientEngines(list: string | undefined): ClientEngine[] {
  const names = Object.keys(CLIENT_ENGINES) as ClientEngine[];
  if (list === undefined) return names;
  return list.split(',').map((name) => {
    const engine = names.find((n) => n === name.trim());
    if (engine === undefined) fail(`--clients runs ${names.join(' and ')} only (the stage 07 store), not "${name}"`);
    return engine;
  });
}

/** Forks child.ts for one engine and waits for its report; a crash becomes a failed report. */
function runChild<R extends EngineReport | ClientsReport>(request: (EngineRequest | ClientsRequest) & { engine: R['engine'] }): Promise<R> {
  // The failed report of either kind: the engine's name, which R's engine type admits, and why.
  const failed = (error: string) => ({ engine: request.engine, ok: false, error }) as R;
  return new Promise((resolve) => {
    // The child's stdout goes to our stderr: stdout is the report's alone.
    const child = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [], { stdio: ['ignore', 2, 2, 'ipc'] });
    let report: R | undefined;
    child.once('message', (message) => {
      report = message as R;
    });
    child.once('error', (error) => resolve(failed(error.message)));
    child.once('exit', (code, signal) => {
      resolve(report ?? failed(`its process exited with ${signal ?? `code ${code}`} before reporting`));
    });
    child.send(request);
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function mainClients(options: Extract<ReturnType<typeof parse>, { mode: 'clients' }>): Promise<void> {
  const started = performance.now();
  log(`bench --clients: ${options.keys.toLocaleString('en-US')} keys, seed ${options.seed}, clients ${options.clients.join(', ')}, ${options.ops.toLocaleString('en-US')} operations per read-write row: ${options.engines.join(', ')}`);
  const reports: ClientsReport[] = [];
  for (const engine of options.engines) {
    const request: ClientsRequest = { kind: 'clients', engine, keys: options.keys, seed: options.seed, clients: options.clients, ops: options.ops, memoryBudget: options.memoryBudget, tmp: options.tmp };
    const report = await runChild<ClientsReport>(request);
    if (report.ok) log(`  ${engine} done in ${report.seconds.toFixed(1)} s`);
    else log(`  ${engine} FAILED: ${report.error}`);
    reports.push(report);
  }
  const settings = { keys: options.keys, seed: options.seed, clients: options.clients, ops: options.ops, memoryBudget: options.memoryBudget };
  const rows = clientsRecords(reports, settings);
  process.stdout.write(clientsMarkdown(reports, rows, settings));
  if (options.json !== undefined) {
    writeFileSync(options.json, `${JSON.stringify(rows, null, 2)}\n`);
    log(`wrote ${rows.length} records to ${options.json}`);
  }
  log(`bench took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (reports.some((r) => !r.ok)) process.exitCode = 1;
}

async function main(): Promise<void> {
  const options = parse();
  if (options.mode === 'clients') return mainClients(options);
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
    const report = await runChild<EngineReport>({ engine: engine.name, keys: options.keys, seed: options.seed, durable: options.durable, memoryBudget: options.memoryBudget, group: options.group, tmp: options.tmp });
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
