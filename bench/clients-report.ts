// The outputs of `npm run bench -- --clients`: the markdown table on stdout (ops/s per engine,
// mix and client count, with puts per fsync, the figure that explains the scaling) and the
// records of --json FILE. The four-workload bench's outputs are report.ts's.

import { KEY_SIZE, VALUE_SIZE } from './data.ts';
import { type ClientMix, type ClientsReport, LOAD_GROUP, READ_ONLY_FACTOR, ROUNDS } from './clients.ts';
import { failures, machine, type Machine, round } from './report.ts';

export interface ClientsSettings {
  keys: number;
  seed: number;
  clients: readonly number[];
  /** Operations per read-write row; read-only rows do READ_ONLY_FACTOR times as many. */
  ops: number;
  memoryBudget: number;
}

/** One line of --json for the clients bench; `workload: 'clients'` tells it from report.ts's records. */
export interface ClientsRecord {
  engine: string;
  workload: 'clients';
  mix: ClientMix;
  clients: number;
  mode: string;
  opsPerSec: number;
  unit: 'ops/s';
  /** opsPerSec over the same engine and mix with one client; null when 1 was not among --clients. */
  ratioToOneClient: number | null;
  gets: number;
  puts: number;
  /** fsyncs of the log while the operations ran; null when the store's stats() does not count them. */
  logSyncs: number | null;
  /** puts / logSyncs: how many puts one fsync acknowledged (group commit); null without puts or counts. */
  putsPerFsync: number | null;
  /** Checkpoints completed while the row ran (they start by themselves per 4 MiB of log). */
  checkpoints: number;
  /** The LSM tree's compactions while the row ran; null for the B+tree. */
  compactions: number | null;
  /** Block or page cache misses while the row ran: reads from the files. */
  cacheMisses: number | null;
  /** The process's CPU time over wall time while the row ran (100 = one core busy). */
  cpuPercent: number;
  count: number;
  seconds: number;
  samples: number;
  rmePercent: number;
  keys: number;
  seed: number;
  memoryBudget: number;
  version: string;
  modeDetail: string;
  machine: Machine;
}

export function clientsRecords(reports: readonly ClientsReport[], settings: ClientsSettings): ClientsRecord[] {
  const host = machine();
  const out: ClientsRecord[] = [];
  // The write mix first, in the table and in --json: it is the one group commit is about;
  // read-only (run first, on the store as reopened) is its foil.
  const mixOrder = (m: { mix: ClientMix }) => (m.mix === 'read-write' ? 0 : 1);
  for (const report of reports) {
    if (!report.ok) continue;
    for (const m of report.measurements) {
      const one = report.measurements.find((x) => x.mix === m.mix && x.clients === 1);
      out.push({
        engine: report.engine,
        workload: 'clients',
        mix: m.mix,
        clients: m.clients,
        mode: report.mode.mode,
        opsPerSec: Math.round(m.perSec),
        unit: 'ops/s',
        ratioToOneClient: one === undefined ? null : round(m.perSec / one.perSec, 3),
        gets: m.gets,
        puts: m.puts,
        logSyncs: m.logSyncs,
        putsPerFsync: m.logSyncs && m.puts > 0 ? round(m.puts / m.logSyncs, 2) : null,
        checkpoints: m.checkpoints,
        compactions: m.compactions,
        cacheMisses: m.cacheMisses,
        cpuPercent: Math.round(m.cpuPercent),
        count: m.count,
        seconds: round(m.seconds, 3),
        samples: m.samples,
        rmePercent: round(m.rme, 2),
        keys: settings.keys,
        seed: settings.seed,
        memoryBudget: settings.memoryBudget,
        version: report.version,
        modeDetail: report.mode.detail,
        machine: host,
      });
    }
  }
  return out.sort((a, b) => mixOrder(a) - mixOrder(b)); // stable: engines and client counts keep their order
}

const MIX_LABEL: Record<ClientMix, string> = { 'read-write': 'read-write (50% get, 50% put)', 'read-only': 'read-only (100% get)' };

export function clientsMarkdown(reports: readonly ClientsReport[], rows: readonly ClientsRecord[], settings: ClientsSettings): string {
  const host = machine();
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `## dbkata bench --clients: ${number(settings.keys)} keys, seed ${settings.seed}, ${number(settings.ops)} operations per read-write row`,
    '',
    '| engine | mix | clients | ops/s | ± | vs 1 client | puts | log fsyncs | puts per fsync | checkpoints · compactions | cache misses | CPU |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) =>
      [
        r.engine,
        MIX_LABEL[r.mix],
        r.clients,
        number(r.opsPerSec),
        `${r.rmePercent.toFixed(1)}%`,
        r.ratioToOneClient === null ? '–' : `${r.ratioToOneClient.toFixed(2)}×`,
        number(r.puts),
        r.logSyncs === null ? '–' : number(r.logSyncs),
        r.putsPerFsync === null ? '–' : r.putsPerFsync.toFixed(1),
        `${r.checkpoints} · ${r.compactions ?? '–'}`,
        r.cacheMisses === null ? '–' : number(r.cacheMisses),
        `${r.cpuPercent}%`,
      ].join(' | '),
    ).map((row) => `| ${row} |`),
    '',
    '| engine | version | mode | settings |',
    '| --- | --- | --- | --- |',
    ...reports.flatMap((r) => (r.ok ? [`| ${r.engine} | ${r.version} | ${r.mode.mode} | ${r.mode.detail} |`] : [])),
    '',
    `Data: ${number(settings.keys)} distinct ${KEY_SIZE}-byte random keys with ${VALUE_SIZE}-byte random values (seed ${settings.seed}), loaded with ${LOAD_GROUP} puts in flight, ` +
      `then the store closed, reopened and every key read once (untimed, to warm the caches); memory budget ${settings.memoryBudget / 2 ** 20} MiB. ` +
      'Each engine runs in its own process, in a fresh temp dir.',
    '',
    `- A client is an async loop: one get or put, awaited, then the next. ${settings.clients.join(', ')} clients share one store and a fixed number of operations, ` +
      `on random loaded keys (${ROUNDS} tinybench samples; ± is their relative margin of error); every get is checked. ` +
      'Before each row an untimed checkpoint empties the log (and flushes the LSM memtable), so the rows start alike.',
    `- read-write: ${number(settings.ops)} operations, each a get or a put (a new 100-byte value), half and half; with sync 'commit' a put resolves only once its log record is fsynced.`,
    `- read-only: ${number(settings.ops * READ_ONLY_FACTOR)} gets, run first. A get waits for no fsync, so extra clients have nothing to share.`,
    '- log fsyncs: stats().detail.logSyncs, after minus before; puts per fsync = puts / log fsyncs, the puts one fsync acknowledged (group commit). ' +
      'The index\'s own fsyncs (a memtable flush, a checkpoint) are not counted.',
    '- checkpoints · compactions: background work that ran during the row, on the clients\' thread: checkpoints the store started by itself (per 4 MiB of log), ' +
      'compactions of the LSM tree (– for the B+tree). cache misses: block or page reads from the files (stats().detail.cacheMisses).',
    '- CPU: the bench process\'s CPU time (JavaScript thread and libuv\'s I/O threads) over wall time; 100% is one core of the machine\'s.',
    '',
    `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, ${host.platform}.`,
  ];
  lines.push(...failures(reports));
  return `${lines.join('\n')}\n`;
}
