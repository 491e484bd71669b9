// The vitest reporter behind every harness command. Test starts and ends are recorded from
// inside the workers (record-tests.ts); this reporter adds what only the main process sees —
// test files that fail to load, unhandled errors — to the same KATA_RESULTS file, and
// forwards the console output of the code under test unless KATA_QUIET is set.

import { appendFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export type KataEvent =
  | { event: 'start'; file: string; title: string }
  | { event: 'end'; file: string; title: string; status: string; message: string; durationMs: number }
  | { event: 'load-error'; file: string; message: string };

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
}

function describe(errors: readonly ErrorLike[] | undefined): string {
  return (errors ?? []).map((e) => e.stack ?? `${e.name ?? 'Error'}: ${e.message ?? ''}`).join('\n');
}

export default class KataReporter implements Reporter {
  private readonly file = process.env.KATA_RESULTS;

  private write(event: KataEvent): void {
    if (this.file) appendFileSync(this.file, `${JSON.stringify(event)}\n`);
  }

  onTestModuleEnd(module: TestModule): void {
    const errors = module.errors();
    if (errors.length > 0) this.write({ event: 'load-error', file: module.moduleId, message: describe(errors) });
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<ErrorLike>): void {
    if (unhandled.length > 0) this.write({ event: 'load-error', file: '', message: `unhandled error: ${describe(unhandled)}` });
  }

  onUserConsoleLog(log: { content: string; type: 'stdout' | 'stderr' }): void {
    if (process.env.KATA_QUIET) return;
    const stream = log.type === 'stderr' ? process.stderr : process.stdout;
    stream.write(`  │ ${log.content.replace(/\n(?!$)/g, '\n  │ ')}`);
  }
}
