// The bench's data set, made from a seed: the same keys, values, read order and scan starts
// for every engine, so their figures measure the same work. Keys are 16 random bytes (so the
// write order is random with respect to key order), values 100 random bytes (incompressible).

export const KEY_SIZE = 16;
export const VALUE_SIZE = 100;
/** Shortest and longest short scan, in keys. */
export const SHORT_SCAN = { min: 10, max: 100 } as const;

/** A small, fast, seeded generator (mulberry32): 32 random bits per call. */
export function random32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomBytes(next: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 4) {
    const word = next();
    for (let j = 0; j < 4 && i + j < length; j++) bytes[i + j] = (word >>> (8 * j)) & 0xff;
  }
  return bytes;
}

function shuffled(count: number, next: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export interface ShortScan {
  /** The scan starts at the first key >= start (a random byte string, rarely a stored key). */
  start: Buffer;
  limit: number;
}

export interface DataSet {
  seed: number;
  /** In write order. Buffers (a Uint8Array subclass) viewing one allocation each for keys and values. */
  keys: Buffer[];
  values: Buffer[];
  /** Indexes into keys, in the order random-read asks for them: every key once. */
  readOrder: number[];
  shortScans: ShortScan[];
  /** How many entries all the short scans return together, worked out from the sorted keys. */
  shortScanKeys: number;
}

/** Builds the data set for `count` keys; `scans` short scans of SHORT_SCAN.min..max keys each. */
export function makeDataSet(count: number, scans: number, seed: number): DataSet {
  const keyBytes = randomBytes(random32(seed), count * KEY_SIZE);
  const valueBytes = randomBytes(random32(seed ^ 0x5eed0001), count * VALUE_SIZE);
  const keys = Array.from({ length: count }, (_, i) => keyBytes.subarray(i * KEY_SIZE, (i + 1) * KEY_SIZE));
  const values = Array.from({ length: count }, (_, i) => valueBytes.subarray(i * VALUE_SIZE, (i + 1) * VALUE_SIZE));
  const sorted = [...keys].sort(Buffer.compare);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.equals(sorted[i]!)) throw new Error(`seed ${seed} made the same key twice; pick another --seed`);
  }
  const readOrder = shuffled(count, random32(seed ^ 0x5eed0002));
  const next = random32(seed ^ 0x5eed0003);
  const shortScans: ShortScan[] = [];
  let shortScanKeys = 0;
  for (let i = 0; i < scans; i++) {
    const start = randomBytes(next, KEY_SIZE);
    const limit = SHORT_SCAN.min + (next() % (SHORT_SCAN.max - SHORT_SCAN.min + 1));
    shortScans.push({ start, limit });
    shortScanKeys += Math.min(limit, count - lowerBound(sorted, start));
  }
  return { seed, keys, values, readOrder, shortScans, shortScanKeys };
}

/** The index of the first key >= target in sorted keys. */
function lowerBound(sorted: Buffer[], target: Buffer): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (Buffer.compare(sorted[mid]!, target) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
