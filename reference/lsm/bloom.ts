// A Bloom filter per table: a get for a key the table does not hold usually skips the table
// without reading a block. 10 bits per key and 7 probes give about 1% false positives; there
// are never false negatives, or a get would miss a key that is there.

const BITS_PER_KEY = 10;
const PROBES = 7;

/** Two independent 32-bit hashes of the key (FNV-1a and a multiplicative mix), for double hashing. */
function hashes(key: Uint8Array): [number, number] {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const byte = key[i]!;
    h1 = Math.imul(h1 ^ byte, 0x01000193);
    h2 = Math.imul(h2 ^ byte, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return [h1 >>> 0, (h2 | 1) >>> 0];
}

export function buildBloom(keys: readonly Uint8Array[]): Uint8Array {
  const bits = Math.max(64, keys.length * BITS_PER_KEY);
  const filter = new Uint8Array(Math.ceil(bits / 8));
  const size = filter.length * 8;
  for (const key of keys) {
    const [h1, h2] = hashes(key);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + Math.imul(i, h2)) >>> 0;
      const at = bit % size;
      filter[at >>> 3] = filter[at >>> 3]! | (1 << (at & 7));
    }
  }
  return filter;
}

/** False means the key is certainly absent; true means "maybe". */
export function mayContain(filter: Uint8Array, key: Uint8Array): boolean {
  const size = filter.length * 8;
  const [h1, h2] = hashes(key);
  for (let i = 0; i < PROBES; i++) {
    const at = ((h1 + Math.imul(i, h2)) >>> 0) % size;
    if ((filter[at >>> 3]! & (1 << (at & 7))) === 0) return false;
  }
  return true;
}
