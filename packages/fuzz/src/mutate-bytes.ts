import type { FuzzRng } from './fuzz-rng.js';

/** Values that sit on the edges parsers get wrong: zero, one, signs, powers of two, all ones. */
const interesting32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Overwrites a little-endian 32-bit integer at a random offset with an edge value or a nearby one. */
function setInteger(rng: FuzzRng, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const at = rng.int(bytes.length - 3);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = rng.chance(0.7) ? rng.pick(interesting32) : view.getUint32(at, true) + rng.int(9) - 4;
  view.setUint32(at, value >>> 0, true);
  return bytes;
}

type Mutation = (rng: FuzzRng, bytes: Uint8Array) => Uint8Array;

/** The parts joined (no array spreads: inputs reach a megabyte). */
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

const mutations: readonly Mutation[] = [
  (rng, b) => {
    if (b.length > 0) b[rng.int(b.length)]! ^= 1 << rng.int(8);
    return b;
  },
  (rng, b) => {
    if (b.length > 0) b[rng.int(b.length)] = rng.pick([0, 0xff, 0x7f, 0x80, rng.int(256)]);
    return b;
  },
  setInteger,
  (rng, b) => b.subarray(0, rng.int(b.length + 1)),
  (rng, b) => {
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at));
  },
  (rng, b) => {
    const at = rng.int(b.length + 1);
    return concat(b.subarray(0, at), b.subarray(at + 1 + rng.int(32)));
  },
  (rng, b) => {
    const at = rng.int(b.length + 1);
    const piece = b.subarray(at, at + 1 + rng.int(64));
    return concat(b.subarray(0, at), piece, piece, b.subarray(at));
  },
];

/**
 * One to eight random byte mutations of a copy of `input` (bit flips, edge values, 32-bit integers set to
 * edge values, truncation, insertion, deletion, duplication), at most `maxLength` bytes long.
 */
export function mutateBytes(rng: FuzzRng, input: Uint8Array, maxLength = 1 << 20): Uint8Array {
  let bytes: Uint8Array = new Uint8Array(input);
  const count = 1 + rng.int(8);
  for (let i = 0; i < count; i++) bytes = rng.pick(mutations)(rng, bytes);
  return bytes.subarray(0, maxLength);
}
