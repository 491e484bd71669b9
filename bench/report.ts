// Turns the engines' reports into the two outputs: the markdown table on stdout (with the
// legend of durability modes and what each workload does) and the records of --json FILE.

import os from 'node:os';
import type { EngineReport } from './child.ts';
import { KEY_SIZE, SHORT_SCAN, VALUE_SIZE } from './data.ts';
import type { EngineName } from './engines/engine.ts';
import { FULL_SCAN_PASSES, WORKLOADS, type WorkloadName } from './workloads.ts';

export interface RunSettings {
  keys: number;
  seed: number;
  durable: boolean;
  memoryBudget: number;
  /** Puts or gets in flight together (--group). */
  group: number;
  baseline: EngineName;
}

/** One line of --json: the fields the issue names first, then the details. */
export interface ResultRecord {
  engine: EngineName;
  workload: WorkloadName;
  mode: string;
  opsPerSec: number;
  unit: 'ops/s' | 'keys/s';
  /** opsPerSec over LevelDB's (the baseline) for the same workload; null when LevelDB did not run. */
  ratioToLevelDB: number | null;
  count: number;
  seconds: number;
  samples: number;
  rmePercent: number;
  keys: number;
  seed: number;
  durable: boolean;
  memoryBudget: number;
  group: number;
  version: string;
  modeDetail: string;
  machine: Machine;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function records(reports: readonly EngineReport[], settings: RunSettings): ResultRecord[] {
  const host = machine();
  const rate = (engine: EngineName, workload: WorkloadName) => {
    const report = reports.find((r) => r.engine === engine);
    return report?.ok ? report.measurements.find((m) => m.workload === workload)?.perSec : undefined;
  };
  const out: ResultRecord[] = [];
  for (const workload of WORKLOADS) {
    for (const report of reports) {
      if (!report.ok) continue;
      const m = report.measurements.find((x) => x.workload === workload);
      if (m === undefined) continue;
      const base = rate(settings.baseline, workload);
      out.push({
        engine: report.engine,
        workload,
        mode: report.mode.mode,
        opsPerSec: Math.round(m.perSec),
        unit: m.unit,
        ratioToLevelDB: base === undefined ? null : round(m.perSec / base, 3),
        count: m.count,
        seconds: round(m.seconds, 3),
        samples: m.samples,
        rmePercent: round(m.rme, 2),
        keys: settings.keys,
        seed: settings.seed,
        durable: settings.durable,
        memoryBudget: settings.memoryBudget,
        group: settings.group,
        version: report.version,
        modeDetail: report.mode.detail,
        machine: host,
      });
    }
  }
  return out;
}

export function markdown(reports: readonly EngineReport[], rows: readonly ResultRecord[], settings: RunSettings): string {
  const host = machine();
  const number = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `## dbkata bench: ${number(settings.keys)} keys, seed ${settings.seed}${settings.durable ? ', --durable' : ''}${settings.group === 1 ? ', --group 1' : settings.group !== 100 ? `, --group ${settings.group}` : ''}`,
    '',
    '| engine | workload | mode | ops/s or keys/s | vs LevelDB |',
    '| --- | --- | --- | ---: | ---: |',
    ...rows.map((r) => `| ${r.engine} | ${r.workload} | ${r.mode} | ${number(r.opsPerSec)} ${r.unit} | ${r.ratioToLevelDB === null ? '–' : `${r.ratioToLevelDB.toFixed(2)}×`} |`),
    '',
    'Modes: when a write is on disk, and the settings each engine ran with.',
    '',
    '| engine | version | mode | settings |',
    '| --- | --- | --- | --- |',
    ...reports.flatMap((r) => (r.ok ? [`| ${r.engine} | ${r.version} | ${r.mode.mode} | ${r.mode.detail} |`] : [])),
    '',
    `Data: ${number(settings.keys)} distinct ${KEY_SIZE}-byte random keys with ${VALUE_SIZE}-byte random values, the same for every engine (seed ${settings.seed}); ` +
      `memory budget / cache ${settings.memoryBudget / 2 ** 20} MiB where the engine takes one. Each engine runs in its own process, in a fresh temp dir.`,
    '',
    `- random-write: every key put once, in random order, ${settings.group} put${settings.group === 1 ? '' : 's'} in flight (one group); timed up to and including the final durability point.`,
    '- random-read: after a close and reopen, every key read once in shuffled order, ' + `${settings.group} get${settings.group === 1 ? '' : 's'} in flight for async APIs; every value checked.`,
    `- full-scan: ${FULL_SCAN_PASSES} passes over the whole data set in key order, keys and values; keys per second.`,
    `- short-scan: one scan per 50 keys of data, each from a random start, ${SHORT_SCAN.min}–${SHORT_SCAN.max} entries, one after another; keys per second.`,
    '',
    `Machine: ${host.cpu}, ${host.cores} cores, ${host.memoryGiB} GiB, Node ${host.node}, ${host.platform}.`,
  ];
  lines.push(...failures(reports));
  return `${lines.join('\n')}\n`;
}

/** The markdown lines that list the engines whose run failed, with the first line of each error; none when all ran. */
export function failures(reports: readonly ({ ok: true } | { ok: false; engine: string; error: string })[]): string[] {
  const failed = reports.flatMap((r) => (r.ok ? [] : [`- ${r.engine}: ${r.error.split('\n')[0]}`]));
  return failed.length === 0 ? [] : ['', '**Failed:**', '', ...failed];
}

export function round(n: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(n * scale) / scale;
}
