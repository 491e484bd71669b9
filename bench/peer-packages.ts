// The peer engines (LevelDB, LMDB, SQLite) live in bench/peers/, a package of their own, so a
// learner's `npm ci` never builds them. This file installs that folder when --peers asks for
// it (`npm ci --prefix bench/peers`, skipped when node_modules already matches the lockfile)
// and loads packages from it.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));
const SQLITE_BINARY = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
const requireFromPeers = createRequire(path.join(PEERS_DIR, 'package.json'));

function readJson(file: string): Record<string, unknown> | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

/** Why bench/peers/node_modules does not match bench/peers/package-lock.json, or undefined when it does. */
export function peersOutOfDate(): string | undefined {
  const lock = readJson(path.join(PEERS_DIR, 'package-lock.json'));
  if (lock === undefined) return 'bench/peers/package-lock.json is missing';
  const packages = (lock.packages ?? {}) as Record<string, { version?: string; optional?: boolean }>;
  for (const [where, locked] of Object.entries(packages)) {
    if (where === '' || locked.optional === true) continue;
    const installed = readJson(path.join(PEERS_DIR, where, 'package.json'));
    if (installed?.version !== locked.version) return `${where} is not installed at ${locked.version}`;
  }
  // The one peer built from source at install time: a failed build leaves its package without it.
  if (!existsSync(path.join(PEERS_DIR, SQLITE_BINARY))) return `${SQLITE_BINARY} was not built`;
  return undefined;
}

export interface PeerInstall {
  /** The npm command that ran, or undefined when node_modules was already up to date. */
  command: string | undefined;
  seconds: number;
}

/** Installs bench/peers/ if needed; throws with npm's exit status when the install fails. */
export function installPeers(log: (line: string) => void): PeerInstall {
  const stale = peersOutOfDate();
  if (stale === undefined) return { command: undefined, seconds: 0 };
  const hasLock = existsSync(path.join(PEERS_DIR, 'package-lock.json'));
  const args = [hasLock ? 'ci' : 'install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund'];
  const command = `npm ${args.join(' ')}`;
  log(`installing the peers (${stale}): ${command}`);
  const started = performance.now();
  // npm's output goes to stderr, so stdout stays the report.
  const result = spawnSync('npm', args, { stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  const seconds = (performance.now() - started) / 1000;
  if (result.error !== undefined) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed (exit ${result.status ?? result.signal}); its output is above`);
  log(`peers installed in ${seconds.toFixed(1)} s`);
  return { command, seconds };
}

/** Loads a package installed in bench/peers/ (CommonJS entry points: all three peers have one). */
export function requirePeer<T>(name: string): T {
  try {
    return requireFromPeers(name) as T;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`cannot load ${name} from bench/peers (${reason}); run with --peers to install it`);
  }
}

/** The installed version of a peer package. */
export function peerVersion(name: string): string {
  return String(readJson(path.join(PEERS_DIR, 'node_modules', name, 'package.json'))?.version ?? '?');
}
