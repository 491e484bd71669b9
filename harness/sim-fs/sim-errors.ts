// The simulation's error: node's error codes (stages/file-system.ts), and ECRASHED for "the
// power went out" or "this process was killed".

import type { FsErrorCode } from '../../stages/file-system.ts';

export class SimError extends Error {
  constructor(
    readonly code: FsErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SimError';
  }
}
