// The linearizability checker's public API: checkLinearizable (Porcupine-style WGL search, per
// key), formatTimeline for drawing operations, HistoryRecorder for recording histories, and a
// seeded client/store simulation for tests.

export { checkLinearizable } from './check.ts';
export { registerModel, type Model, type Register, type Step } from './model.ts';
export { HistoryRecorder } from './recorder.ts';
export { prng, simulate, type SimulationOptions } from './simulate.ts';
export { formatTimeline } from './timeline.ts';
export type { CheckOptions, CheckResult, Input, Operation, Output, Status } from './types.ts';
