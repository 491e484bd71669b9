// How a test's error becomes the text of a failure: its name and message, then its stack
// frames. Shared by the reporter (test failures, load errors) and nothing else on purpose:
// what a learner reads is what vitest's main process received.

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
