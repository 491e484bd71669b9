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
