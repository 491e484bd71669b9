// Stage 02 — your in-memory ordered map. Replace the stub; the spec is
// stages/02-ordered-map/README.md. Run `npm test -- stage 02` to see what passes.

import { notImplemented } from '../not-implemented.ts';
import type { KvStore, Stage02, StoreOptions } from './contract.ts';

const SPEC = 'stages/02-ordered-map/README.md';

/** A new, empty store. Keys and values are bytes, ordered bytewise unsigned. */
export function createStore(options: StoreOptions = {}): KvStore {
  return notImplemented(SPEC, `createStore(${JSON.stringify(options)})`);
}

export const stage: Stage02 = { createStore };
