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
 * Small copies are carved out of shared 64 KiB slabs, as Node's Buffer pool does. A Uint8Array
 * of more than 64 bytes gets a backing store of its own, which costs about a microsecond (the
 * garbage collector tracks each one): more than the rest of a get, and most of a scan step,
 * which copies every key and value it hands out. A view into a slab costs a tenth of that.
 *
 * Two slabs, so that nothing a caller can reach shares memory with what the store keeps:
 * keepBytes for what the store takes in (keys and values of a put: they live in a memtable and
 * die together at its flush), copyBytes for what it hands out. The price, the same as for
 * pooled Buffers: copies handed out share a `.buffer` with each other. Writing through a
 * returned array touches only that array; transferring its `.buffer` to a worker would detach
 * the neighbours it shares the slab with, so send `value.slice()` instead. Copies over
 * SLAB_COPY_MAX get arrays of their own: a long-lived small copy keeps its slab alive.
 */
const SLAB_BYTES = 64 * 1024;
const SLAB_COPY_MAX = 1024;

class Slab {
  private bytes = new Uint8Array(SLAB_BYTES);
  private used = 0;

  copy(source: Uint8Array): Uint8Array {
    const length = source.length;
    if (length > SLAB_COPY_MAX) return new Uint8Array(source);
    // A slab someone detached (by transferring a copy's buffer) has length 0: start a new one.
    if (this.used + length > this.bytes.length) {
      this.bytes = new Uint8Array(SLAB_BYTES);
      this.used = 0;
    }
    const copy = this.bytes.subarray(this.used, this.used + length);
    this.used += (length + 7) & ~7; // 8-byte aligned, so a view can never straddle two copies' words
    copy.set(source);
    return copy;
  }
}

const outgoing = new Slab();
const kept = new Slab();

/**
 * A copy for a caller (what get and scan return): writing into it never touches the store.
 * Not `bytes.slice()`: a Node Buffer overrides slice to return a view of the same memory, so a
 * caller's Buffer would alias the store.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return outgoing.copy(bytes);
}

/** A copy for the store to keep: a key or value it takes in. Never handed to a caller. */
export function keepBytes(bytes: Uint8Array): Uint8Array {
  return kept.copy(bytes);
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
