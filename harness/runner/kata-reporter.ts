// The vitest reporter behind every harness command. It runs in vitest's main process, where
// no learner code runs (stage suites run in forked workers), and records what that process
// received over vitest's own channel from the workers: each test's end and outcome, test
// files that failed to load, unhandled errors. Every record is signed with the run's key
// (channel.ts), read from stdin before any worker exists, and appended at once to the file
// KATA_RESULTS names, so the results before a hang or a crash survive the runner killing
// vitest. It also forwards the console output of the code under test (stdout and stderr
// alike, to stdout) unless KATA_QUIET is set, each line marked with the id of the test that
// printed it (or the test file, for output while a file loads), and at the end kills what
// the tests started. Console text is only ever shown, never read as a result: which test a
// line belongs to is vitest's own record of the task that was running.

import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import { type KataEvent, signedLine } from './channel.ts';
import { describeError, type ErrorLike } from './errors.ts';
import { killTestStrays } from './strays.ts';

export default class KataReporter implements Reporter {
  private readonly file: string | undefined;
  private readonly key: string;
  private vitest: Vitest | undefined;
  private announced = false;

  constructor() {
    this.file = process.env.KATA_RESULTS;
    // The runner writes the key and closes stdin; read now, before vitest forks a worker.
    this.key = this.file === undefined ? '' : readFileSync(0, 'utf8').trim();
    if (this.file !== undefined && !/^[0-9a-f]{64}$/.test(this.key)) throw new Error('kata reporter: no run key on stdin');
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  private record(event: KataEvent): void {
    if (this.file !== undefined) appendFileSync(this.file, signedLine(this.key, event));
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const errors: readonly ErrorLike[] = result.errors ?? [];
    const failed = result.state === 'failed' || errors.length > 0;
    this.record({
      event: 'end',
      file: test.module.moduleId,
      title: test.name,
      status: failed ? 'failed' : result.state === 'passed' ? 'passed' : 'skipped',
      message: errors.map(describeError).join('\n'),
      durationMs: test.diagnostic()?.duration ?? 0,
    });
  }

  onTestModuleEnd(module: TestModule): void {
    const errors = module.errors();
    if (errors.length > 0) this.record({ event: 'load-error', file: module.moduleId, message: errors.map(describeError).join('\n') });
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<ErrorLike>): void {
    // What the tests started must not outlive them: vitest would wait for its pipes.
    if (process.env.KATA_RUN_ID) killTestStrays(`KATA_RUN_ID=${process.env.KATA_RUN_ID}`);
    if (unhandled.length > 0) this.record({ event: 'load-error', file: '', message: `unhandled error: ${unhandled.map(describeError).join('\n')}` });
  }

  onUserConsoleLog(log: { content: string; taskId?: string }): void {
    if (process.env.KATA_QUIET) return;
    if (!this.announced) {
      this.announced = true;
      process.stdout.write('console output of the code under test, each line after the id of the test that printed it:\n');
    }
    const mark = `  │ ${this.whose(log.taskId)} │ `;
    process.stdout.write(`${mark}${log.content.replace(/\n(?!$)/g, `\n${mark}`)}`);
  }

  /** The test id (the first word of the test's name) of a task, or its file while the file loads. */
  private whose(taskId: string | undefined): string {
    const entity = taskId === undefined ? undefined : this.vitest?.state.getReportedEntityById(taskId);
    if (entity?.type === 'test') return entity.name.split(' ')[0] ?? entity.name;
    if (entity?.type === 'module') return path.basename(entity.moduleId);
    return entity?.type === 'suite' ? entity.name : '(no test)';
  }
}
