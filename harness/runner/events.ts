// The events a test run leaves in the KATA_RESULTS file, one JSON object per line: written
// synchronously by the workers (test start and end) and by the reporter (load errors), read
// by the runner even when it had to kill vitest.

import { appendFileSync } from 'node:fs';

export type KataEvent =
  | { event: 'start'; file: string; title: string }
  | { event: 'end'; file: string; title: string; status: 'passed' | 'failed' | 'skipped'; message: string; durationMs: number }
  | { event: 'load-error'; file: string; message: string };

export interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
}

/** The error's own name and message, then its stack frames (vitest's timeout error has a placeholder stack). */
export function describeError(error: ErrorLike): string {
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [`${error.name ?? 'Error'}: ${error.message ?? ''}`, ...frames].join('\n');
}

export function appendEvent(event: KataEvent): void {
  const file = process.env.KATA_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify(event)}\n`);
}
