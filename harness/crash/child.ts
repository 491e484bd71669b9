// The process the crash runner kills: opens the stage's store on the real file system, runs
// the cycle's workload without end, and reports every write as it starts and once it is
// acknowledged (protocol.ts). Started by child-process.ts; one JSON argument (ChildConfig).

import { cycleRng } from './random.ts';
import { DRIVERS } from './drivers.ts';
import { type ChildConfig, sendMessage } from './protocol.ts';
import { findWorkload } from './workload.ts';

async function run(config: ChildConfig): Promise<void> {
  const driver = DRIVERS[config.stage];
  const workload = findWorkload(config.workload);
  if (driver === undefined || workload === undefined) throw new Error(`no driver for stage ${config.stage} or workload ${config.workload}`);
  const store = await driver.open({ dir: config.dir, target: config.target, ...(config.sync === undefined ? {} : { sync: config.sync }) });
  const initial = await store.content();
  sendMessage({ type: 'ready' });
  const steps = workload.steps({
    rng: cycleRng(config.seed, config.cycle, 'workload'),
    cycle: config.cycle,
    initial,
    maxBatch: driver.maxBatch,
    canCompact: driver.canCompact,
    ...(driver.flushOdds === undefined ? {} : { flushOdds: driver.flushOdds }),
  });
  let seq = config.firstSeq;
  for (;;) await store.run(steps.next().value, () => seq++, sendMessage);
}

run(JSON.parse(process.argv[2] ?? '{}') as ChildConfig).catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  sendMessage({ type: 'error', message });
  process.exitCode = 1;
});
