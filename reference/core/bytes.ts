// Byte-string helpers shared by every layer of the engine: ordering, equality, copies and text.
// Keys and values are Uint8Array everywhere; order is bytewise unsigned (memcmp order).

/**
 * Compares two byte strings as memcmp does, then by length: a proper prefix sorts first.
 * A hand-written loop beats Buffer.compare for the short keys a store mostly sees, because
 * it avoids the call into C++; it is also the clearest statement of the order we promise.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or
 * undefined when there is none (the prefix is empty or all 0xff). A scan of a prefix is
 * the half-open range [prefix, prefixSuccessor(prefix)).
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const next = copyBytes(prefix.subarray(0, i + 1));
      next[i] = next[i] + 1;
      return next;
    }
  }
  return undefined;
}

/**
 * Small copies are carved out of a shared 64 KiB slab, as Node's Buffer pool does. A
 * Uint8Array of more than 64 bytes gets a backing store of its own, and creating one costs
 * about a microsecond (the garbage collector tracks each); a store copies every key and value
 * it takes in and hands out, so that cost was the largest part of a put, a get and a scan
 * step. A view into the slab costs a tenth of it. The prices, the same as for Node's pooled
 * Buffers: a small copy that lives long keeps its whole slab alive (so only copies up to
 * SLAB_COPY_MAX come from it), and a copy's `.buffer` is shared — whoever writes through it
 * or transfers it to a worker reaches other copies. Send `copy.slice()` to a worker instead.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_COPY_MAX = 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/**
 * A copy of the bytes that shares memory with nothing the caller can reach. Not
 * `bytes.slice()`: a Node Buffer overrides slice to return a view of the same memory, so a
 * caller's Buffer would alias the store.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  if (length > SLAB_COPY_MAX) return new Uint8Array(bytes);
  if (slabUsed + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const copy = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += (length + 7) & ~7; // 8-byte aligned, so a view can never straddle two copies' words
  copy.set(bytes);
  return copy;
}

const encoder = new TextEncoder();
// ignoreBOM: without it a leading U+FEFF is silently dropped, and a value would not round-trip.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}
