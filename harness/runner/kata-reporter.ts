// The vitest reporter behind every harness command. Test starts and ends are recorded from
// inside the workers (record-tests.ts); this reporter adds what only the main process sees —
// test files that fail to load, unhandled errors — and forwards the console output of the
// code under test (stdout and stderr alike, to stdout) unless KATA_QUIET is set.

import type { Reporter, TestModule } from 'vitest/node';
import { appendEvent, describeError, type ErrorLike } from './events.ts';

export default class KataReporter implements Reporter {
  onTestModuleEnd(module: TestModule): void {
    const errors = module.errors();
    if (errors.length > 0) appendEvent({ event: 'load-error', file: module.moduleId, message: errors.map(describeError).join('\n') });
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<ErrorLike>): void {
    if (unhandled.length > 0) appendEvent({ event: 'load-error', file: '', message: `unhandled error: ${unhandled.map(describeError).join('\n')}` });
  }

  onUserConsoleLog(log: { content: string }): void {
    if (process.env.KATA_QUIET) return;
    process.stdout.write(`  │ ${log.content.replace(/\n(?!$)/g, '\n  │ ')}`);
  }
}
