// Stage 02 property tests: the store against a trivially correct model (a Map plus a sort),
// driven by sequences of commands that fast-check generates and shrinks. A failure prints
// the shrunk sequence as a transcript. The sequence is a plain array (not fc.commands) so
// that KATA_PATH replays exactly the shrunk case.

import fc from 'fast-check';
import { mismatch, sameValue } from '../../harness/assert.ts';
import { show, showBytes } from '../../harness/display.ts';
import type { Entry, KvStore, ScanOptions } from '../../stages/02-ordered-map/contract.ts';
import { collect, property, showOptions } from './setup.ts';

/** The model: every live entry by hex key; scans sort with Buffer.compare (memcmp order). */
class Model {
  readonly entries = new Map<string, Entry>();
  readonly transcript: string[] = [];

  scan(options: ScanOptions): Entry[] {
    const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);
    let rows = [...this.entries.values()].sort((x, y) => cmp(x.key, y.key));
    rows = rows.filter(({ key }) =>
      (options.gt === undefined || cmp(key, options.gt) > 0) &&
      (options.gte === undefined || cmp(key, options.gte) >= 0) &&
      (options.lt === undefined || cmp(key, options.lt) < 0) &&
      (options.lte === undefined || cmp(key, options.lte) <= 0));
    if (options.reverse) rows.reverse();
    return options.limit === undefined ? rows : rows.slice(0, options.limit);
  }

  /** Records a step; on a mismatch, fails with the whole transcript so far. */
  step(command: string, received: unknown, expected: unknown, answer: string): void {
    this.transcript.push(`> ${command}`);
    if (!sameValue(received, expected)) {
      throw mismatch(this.transcript.join('\n'), show(expected), show(received));
    }
    if (answer !== '') this.transcript.push(answer);
  }
}

interface Real {
  store: KvStore;
}

const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');
const showEntries = (rows: Entry[]) => rows.map((e) => `${showBytes(e.key)} ${showBytes(e.value)}`).join(', ');

class Put {
  constructor(readonly key: Uint8Array, readonly value: Uint8Array) {}
  async run(model: Model, real: Real) {
    await real.store.put(this.key, this.value);
    model.entries.set(hex(this.key), { key: this.key, value: this.value });
    model.step(this.toString(), 'OK', 'OK', 'OK');
  }
  toString() {
    return `put(${showBytes(this.key)}, ${showBytes(this.value)})`;
  }
}

class Get {
  constructor(readonly key: Uint8Array) {}
  async run(model: Model, real: Real) {
    const received = await real.store.get(this.key);
    const expected = model.entries.get(hex(this.key))?.value;
    model.step(this.toString(), received, expected, expected === undefined ? 'undefined' : showBytes(expected));
  }
  toString() {
    return `get(${showBytes(this.key)})`;
  }
}

class Delete {
  constructor(readonly key: Uint8Array) {}
  async run(model: Model, real: Real) {
    await real.store.delete(this.key);
    model.entries.delete(hex(this.key));
    model.step(this.toString(), 'OK', 'OK', 'OK');
  }
  toString() {
    return `delete(${showBytes(this.key)})`;
  }
}

class Scan {
  constructor(readonly options: ScanOptions) {}
  async run(model: Model, real: Real) {
    const received = await collect(real.store, this.options);
    const expected = model.scan(this.options);
    model.step(this.toString(), received, expected, `[${showEntries(expected)}]`);
  }
  toString() {
    return showOptions(this.options);
  }
}

// A small pool of keys, so that gets and deletes often hit a live key; the keys share
// prefixes, include the empty key and straddle 0x7f/0x80. 02-P02 covers arbitrary bytes.
const KEYS = [[], [0x00], [0x00, 0x00], [0x61], [0x61, 0x62], [0x62], [0x7f], [0x80], [0xff], [0xff, 0xff]];
const key = fc.constantFrom(...KEYS).map((bytes) => Uint8Array.from(bytes));
const value = fc.uint8Array({ maxLength: 4 });
const scanOptions: fc.Arbitrary<ScanOptions> = fc
  .record(
    {
      lower: fc.option(fc.tuple(fc.boolean(), key), { nil: undefined }),
      upper: fc.option(fc.tuple(fc.boolean(), key), { nil: undefined }),
      reverse: fc.boolean(),
      limit: fc.option(fc.nat(4), { nil: undefined }),
    },
  )
  .map(({ lower, upper, reverse, limit }) => {
    const options: ScanOptions = {};
    if (lower) options[lower[0] ? 'gte' : 'gt'] = lower[1];
    if (upper) options[upper[0] ? 'lte' : 'lt'] = upper[1];
    if (reverse) options.reverse = true;
    if (limit !== undefined) options.limit = limit;
    return options;
  });

const commands = fc.array(
  fc.oneof(
    fc.tuple(key, value).map(([k, v]) => new Put(k, v)),
    key.map((k) => new Get(k)),
    key.map((k) => new Delete(k)),
    scanOptions.map((o) => new Scan(o)),
  ),
  { maxLength: 40 },
);

property(
  '02-P01',
  'the store behaves like a sorted map (model-based, 1,000 command sequences)',
  'Contract',
  commands,
  async ({ createStore }, cmds) => {
    const model = new Model();
    const real = { store: createStore() };
    for (const command of cmds) await command.run(model, real);
  },
  { numRuns: 1000, render: false },
);

property(
  '02-P02',
  'any set of byte keys scans back in memcmp order, in any range, both ways',
  'Order',
  fc.record({
    keys: fc.uniqueArray(fc.uint8Array({ maxLength: 6 }), { maxLength: 60, selector: hex }),
    options: scanOptions,
  }),
  async ({ createStore }, { keys, options }) => {
    const store = createStore();
    const model = new Model();
    for (const k of keys) {
      await store.put(k, k);
      model.entries.set(hex(k), { key: k, value: k });
    }
    model.transcript.push(`> put ${keys.length} keys, each its own value`);
    model.step(showOptions(options), await collect(store, options), model.scan(options), '');
  },
  { numRuns: 300, render: false },
);
