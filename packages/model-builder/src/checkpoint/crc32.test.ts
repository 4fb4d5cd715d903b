import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

/** The textbook bit-by-bit CRC-32, to check the table-driven one against. */
function bitwiseCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('crc32', () => {
  it('gives the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with the bitwise definition at every length and when continued', () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) % 256);
    for (let length = 0; length <= bytes.length; length += 1 + (length % 7)) {
      expect(crc32(bytes.subarray(0, length))).toBe(bitwiseCrc32(bytes.subarray(0, length)));
    }
    expect(crc32(bytes.subarray(13), crc32(bytes.subarray(0, 13)))).toBe(bitwiseCrc32(bytes));
  });
});
