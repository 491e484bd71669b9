// The one channel a run's results travel on, from the kata reporter in vitest's main process
// to the harness runner: JSON lines, each signed with a key made for that run alone. The key
// reaches the reporter on its stdin, which it reads to the end before any test worker starts,
// so it is in no file, no environment variable and no worker. A line without a valid
// signature — written by learner code into the results file, or to stdout in the same format
// — is not a result: the runner drops it.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type KataEvent =
  | { event: 'end'; file: string; title: string; status: 'passed' | 'failed' | 'skipped'; message: string; durationMs: number }
  | { event: 'load-error'; file: string; message: string };

export function newKey(): string {
  return randomBytes(32).toString('hex');
}

function sign(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** One line: the signature, a space, the event as JSON. */
export function signedLine(key: string, event: KataEvent): string {
  const body = JSON.stringify(event);
  return `${sign(key, body)} ${body}\n`;
}

/** The events of the lines that carry this run's signature, in order; any other line is skipped. */
export function verifiedEvents(key: string, text: string): { events: KataEvent[]; forged: number } {
  const events: KataEvent[] = [];
  let forged = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const body = line.slice(space + 1);
    const given = Buffer.from(space === 64 ? line.slice(0, 64) : '', 'hex');
    const expected = Buffer.from(sign(key, body), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      forged++;
      continue;
    }
    events.push(JSON.parse(body) as KataEvent);
  }
  return { events, forged };
}
