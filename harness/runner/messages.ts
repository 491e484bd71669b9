// How a failure's text is tidied before anyone reads it: stack frames from the harness and
// node_modules dropped, colours removed, paths made short, and whatever differs from one run
// to the next (the course tree's location, a test's temporary directory) replaced, so two
// grades of the same code are the same bytes.

import { tmpdir } from 'node:os';
import { ROOT } from '../stages.ts';

/**
 * Keeps the message and the frames in the learner's or reference code, with short paths: the
 * course tree's own path goes, and a temporary directory a test made (mkdtemp: a random name)
 * becomes <tmp>, so two runs of the same code give the same text.
 */
export function cleanMessage(message: string, root = ROOT): string {
  if (message.startsWith('NotImplementedError')) return message.split('\n')[0]!;
  const seen = new Set<string>();
  const kept = message.split('\n').filter((line) => {
    if (!/^\s+at /.test(line)) return true;
    if (line.includes('node_modules') || line.includes('/harness/') || line.includes('node:')) return false;
    const frame = line.trim();
    if (seen.has(frame)) return false; // a property's message already lists its frames
    seen.add(frame);
    return true;
  });
  return kept
    .join('\n')
    .replace(/\x1b\[[0-9;]*m/g, '') // colours from esbuild and vitest: noise in a report or a JSON grade
    .replaceAll('file://', '')
    .replaceAll(`${root}/`, '')
    .replaceAll(`${ROOT}/`, '')
    .replace(TEMP_DIR, '<tmp>')
    .trimEnd();
}

/** The first component under the system's temporary directory: the part of a path that differs per run. */
const TEMP_DIR = new RegExp(`${escapeRegExp(tmpdir())}/[^/\\s'"\`:)]+`, 'g');

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Vitest's "Test timed out in 20000ms." says nothing about why; say what usually causes it. */
export function explainTimeout(message: string): string {
  const match = /Test timed out in (\d+)ms/.exec(message);
  if (match === null) return message;
  return `${message.split('\n')[0]}\n  The test ran past its budget of ${Number(match[1]) / 1000} s. Usual causes: a promise that never ` +
    'resolves (a missing await or resolve), a loop that never ends, or work on every operation that grows with the ' +
    'store (re-sorting everything on each put, a linear search per get).';
}
