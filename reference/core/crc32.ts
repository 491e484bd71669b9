// CRC-32 (the zlib/PNG polynomial) over bytes: the checksum of every on-disk format here.
// Node computes it natively (zlib.crc32, Node 20.15+), which is far faster than a table in JS.

import { crc32 as zlibCrc32 } from 'node:zlib';

export function crc32(bytes: Uint8Array, initial = 0): number {
  return zlibCrc32(bytes, initial) >>> 0;
}

export function hex32(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
