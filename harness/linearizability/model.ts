// The sequential specification the history is checked against, Porcupine-style: a Model is an
// initial state and a step function. registerModel is one key of the store: a value or absent.

/** One operation as the search sees it: its kind, the value a put writes, the value a get saw. */
export interface Step {
  f: 'get' | 'put' | 'delete';
  /** put: the value written; get: the value returned (undefined = absent). */
  value: string | undefined;
}

export interface Model<S> {
  init: S;
  /** The state after `step`, or null when `step` cannot happen in `state` (a get seeing another value). */
  step(state: S, step: Step): S | null;
  /** A string equal for equal states, for the search's memo. */
  key(state: S): string;
  /** The state as a learner reads it, e.g. "x = 1" or "x absent". */
  describe(state: S, key: string): string;
}

export type Register = string | undefined;

export const registerModel: Model<Register> = {
  init: undefined,
  step(state, step) {
    if (step.f === 'put') return step.value ?? null;
    if (step.f === 'delete') return undefined;
    return state === step.value ? state : null;
  },
  key: (state) => (state === undefined ? '-' : `+${state}`),
  describe: (state, key) => (state === undefined ? `${key} absent` : `${key} = ${state}`),
};
