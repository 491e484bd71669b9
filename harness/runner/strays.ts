// Ends every process a test run started. Vitest runs in a process group of its own, so one
// signal reaches it and its workers; a process the code under test started with
// `detached: true` is in a session of its own and escapes that signal, but it inherited the
// run's environment, so on Linux it is found by the marker variable the runner set
// (KATA_RUN_ID) and killed too. Without this, a stray holding the run's stderr open kept the
// runner waiting for a pipe long after the suite ended. The reporter sweeps once already when
// the last test has ended (killTestStrays), since vitest too waits for its workers' pipes.

import { readdirSync, readFileSync } from 'node:fs';

/** SIGKILL to the group led by `pid`, then to every process whose environment holds `marker`. */
export function killRun(pid: number, marker: string): void {
  signal(-pid);
  // Twice: a stray may have forked once more while the first sweep ran.
  for (let sweep = 0; sweep < 2; sweep++) for (const stray of processesWith(marker)) signal(stray);
}

/**
 * From vitest's main process once every test has ended: SIGKILL to each process of the run
 * other than this one and its workers (its children), that is, to what the tests started.
 */
export function killTestStrays(marker: string): void {
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const pid of processesWith(marker)) if (parentOf(pid) !== process.pid) signal(pid);
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/PID/stat: "pid (name) state ppid …"; the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone, or not ours to kill.
  }
}

/** Pids (other than this process) whose environment contains `marker`; none where /proc is absent. */
export function processesWith(marker: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`\0${marker}\0`);
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = Buffer.concat([Buffer.from([0]), readFileSync(`/proc/${entry}/environ`), Buffer.from([0])]);
      if (environ.includes(needle)) found.push(Number(entry));
    } catch {
      // Exited meanwhile, or another user's process.
    }
  }
  return found;
}
