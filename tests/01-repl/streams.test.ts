// Stage 01: runRepl over streams — lines in, answers out, no terminal needed.

import { PassThrough, Readable } from 'node:stream';
import { expectSame, expectTrue } from '../../harness/assert.ts';
import type { Stage01 } from '../../stages/01-repl/contract.ts';
import { rule } from './setup.ts';

async function runWithInput(stage: Stage01, input: string, prompt?: string): Promise<string> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await stage.runRepl({ input: Readable.from([input]), output, timings: false, ...(prompt === undefined ? {} : { prompt }) });
  return Buffer.concat(chunks).toString('utf8');
}

rule('01-S01', 'runRepl answers each input line on the output stream', 'Running over streams', async (stage) => {
  expectSame(await runWithInput(stage, 'put a 1\nget a\n'), 'OK\n1\n', "runRepl with input 'put a 1\\nget a\\n'");
});

rule('01-S02', 'runRepl stops at exit and ignores the lines after it', 'Running over streams', async (stage) => {
  expectSame(await runWithInput(stage, 'put a 1\nexit\nget a\n'), 'OK\nBye\n', "runRepl with input 'put a 1\\nexit\\nget a\\n'");
});

rule('01-S03', 'a last line without a newline, CRLF and lone CR line ends are read like any line', 'Running over streams', async (stage) => {
  expectSame(await runWithInput(stage, 'put a 1\r\nget a'), 'OK\n1\n', "runRepl with input 'put a 1\\r\\nget a'");
  expectSame(await runWithInput(stage, 'put a 1\rget a\n'), 'OK\n1\n', "runRepl with input 'put a 1\\rget a\\n' (a lone \\r ends a line too)");
});

rule('01-S04', 'with a prompt, runRepl writes it before each line it reads', 'Running over streams', async (stage) => {
  expectSame(await runWithInput(stage, 'put a 1\nget a\n', '> '), '> OK\n> 1\n> ', "runRepl with prompt '> ' and input 'put a 1\\nget a\\n'");
});

rule('01-S05', 'runRepl answers a bad line with ERR and carries on', 'Running over streams', async (stage) => {
  const output = await runWithInput(stage, 'bogus\nput a 1\nget a\n');
  const [first, ...rest] = output.split('\n');
  const doing = "runRepl with input 'bogus\\nput a 1\\nget a\\n'";
  expectTrue(first?.startsWith('ERR column 1: ') === true, `${doing}: the first output line answers "bogus"`, `expected: a line starting "ERR column 1: "\n  received: ${JSON.stringify(first)}`);
  expectSame(rest, ['OK', '1', ''], `${doing}: the lines after the error (the last one is the final newline)`);
});

/** Runs raw input chunks (bytes, not text) and returns the output lines. */
async function runWithChunks(stage: Stage01, chunks: Uint8Array[]): Promise<string[]> {
  const output = new PassThrough();
  const received: Buffer[] = [];
  output.on('data', (chunk: Buffer) => received.push(chunk));
  await stage.runRepl({ input: Readable.from(chunks), output, timings: false });
  return Buffer.concat(received).toString('utf8').split('\n');
}

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

rule('01-S06', 'runRepl reads bytes: a line that is not UTF-8 gets ERR at its first bad byte, and two keys never merge into one', 'Running over streams', async (stage) => {
  // Decoded leniently, 0xff and 0xfe both become U+FFFD: two puts of different keys would write one.
  const input = bytes('put k', [0xff], ' 1\nput k', [0xfe], ' 2\nget \u00e9', [0xc0, 0xaf], '\nput "k\\xff" 3\nscan\n');
  const doing = 'runRepl with input "put k<0xff> 1", "put k<0xfe> 2", "get é<0xc0 0xaf>" (an overlong /), \'put "k\\xff" 3\', "scan" (raw bytes in <>)';
  const [first, second, third, ...rest] = await runWithChunks(stage, [input]);
  for (const [line, answer] of [['put k<0xff> 1', first], ['put k<0xfe> 2', second]] as const) {
    expectTrue(answer?.startsWith('ERR column 6: ') === true, `${doing}: the answer to ${line}`, `expected: a line starting "ERR column 6: " (the column of the byte that is not UTF-8)\n  received: ${JSON.stringify(answer)}`);
  }
  expectTrue(third?.startsWith('ERR column 6: ') === true, `${doing}: the answer to get é<0xc0 0xaf>`, `expected: a line starting "ERR column 6: " (columns count JavaScript characters: "get é" is 5 of them, 6 bytes)\n  received: ${JSON.stringify(third)}`);
  expectSame(rest, ['OK', '"k\\xff" 3', '(1 key)', ''], `${doing}: the answers after the three errors (only the quoted \\xff put stored a key)`);
});

rule('01-S07', 'a UTF-8 character split between two chunks of input is one character', 'Running over streams', async (stage) => {
  // A stream delivers bytes in chunks of any size: é (c3 a9) may arrive half in each.
  const received = await runWithChunks(stage, [bytes('put \u00e9 v', [0xc3]), bytes([0xa9], '\nget \u00e9\n')]);
  expectSame(received, ['OK', 'v\u00e9', ''], "runRepl with input 'put é vé\\nget é\\n', split inside the last é");
});
