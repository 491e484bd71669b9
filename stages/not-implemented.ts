// Given to learners: what a starter's stubs throw until you replace them. The test runner
// recognises this error and tells you where to start instead of printing a stack trace.

export class NotImplementedError extends Error {
  constructor(readonly spec: string, readonly what: string) {
    super(`not implemented yet — start with ${spec} (${what})`);
    this.name = 'NotImplementedError';
  }
}

export function notImplemented(spec: string, what: string): never {
  throw new NotImplementedError(spec, what);
}
