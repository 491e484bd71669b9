// A vitest reporter that only forwards console output from the code under test, so a learner's
// console.log still shows up while the test CLI prints its own summary from the JSON report.

import type { Reporter } from 'vitest/node';

export default class ConsoleReporter implements Reporter {
  onUserConsoleLog(log: { content: string; type: 'stdout' | 'stderr' }): void {
    const stream = log.type === 'stderr' ? process.stderr : process.stdout;
    stream.write(`  │ ${log.content.replace(/\n(?!$)/g, '\n  │ ')}`);
  }
}
