// Shared by stage 01's test files: the stage handle and a transcript checker that runs REPL
// lines in a session and compares the whole conversation, so failures read as a session.

import type { Stage01 } from '../../stages/01-repl/contract.ts';
import { mismatch } from '../../harness/assert.ts';
import { defineStage } from '../../harness/kata.ts';
import { indent } from '../../harness/display.ts';

export const { rule, property, load } = defineStage<Stage01>('01', [
  'parseCommand',
  'formatCommand',
  'createSession',
  'runRepl',
]);

/** Runs the input lines in a fresh session (timings off) and returns the whole conversation. */
export async function converse(stage: Stage01, lines: string[]): Promise<string[]> {
  const session = stage.createSession({ timings: false });
  const out: string[] = [];
  for (const line of lines) {
    out.push(`> ${line}`);
    const answer = await session.execute(line);
    if (!Array.isArray(answer)) throw mismatch(`execute(${JSON.stringify(line)})`, 'an array of lines', `a value of type ${typeof answer}`);
    out.push(...answer);
  }
  return out;
}

/**
 * Checks a session against a script written as the REPL shows it: lines starting with "> "
 * are typed, the others are the expected answers. Leading indentation is ignored.
 */
export async function expectTranscript(stage: Stage01, script: string): Promise<void> {
  const expected = script
    .split('\n')
    .map((line) => line.replace(/^\s+/, ''))
    .filter((line) => line !== '');
  const inputs = expected.filter((line) => line.startsWith('> ')).map((line) => line.slice(2));
  const received = await converse(stage, inputs);
  const first = received.findIndex((line, i) => line !== expected[i]);
  if (first === -1 && received.length === expected.length) return;
  const at = first === -1 ? Math.min(received.length, expected.length) : first;
  throw mismatch(
    `the session differs from the spec at line ${at + 1}:`,
    `\n${indent(expected.join('\n'), '      ')}`,
    `\n${indent(received.join('\n'), '      ')}`,
  );
}

const encoder = new TextEncoder();
export const b = (text: string) => encoder.encode(text);
