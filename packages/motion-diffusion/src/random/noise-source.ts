import { assertFinite, InvalidInputError, tensorSize } from '@joyvasa/core';
import { philox4x32 } from './philox.js';
import { portableLog } from './portable-log.js';

/**
 * Supplies standard normal noise to the sampler: the `drawIndex`-th draw (counted from 1 over a whole run,
 * in the order the official sampler calls `randn`) with `dims` elements in C order. Inject one to replay
 * reference noise; {@link createSeededNoise} is the default.
 */
export type NoiseSource = (dims: readonly number[], drawIndex: number) => Float32Array;

const twoTo32 = 2 ** 32;

/** Checks a seed: a whole number from 0 to 2^53 − 1. */
export function assertSeed(name: string, seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidInputError(name, `must be a whole number from 0 to 2^53 - 1, got ${seed}`);
  }
}

/**
 * Seeded, portable standard normals: Philox4x32-10 keyed by the seed, counter (block, drawIndex, 0, 0),
 * turned into normals by Marsaglia's polar form of Box–Muller in float64 with a portable logarithm. The
 * same seed gives the same noise in Node and every browser, and each draw is independent of the others
 * (a draw can be regenerated alone).
 */
export function createSeededNoise(seed: number): NoiseSource {
  assertSeed('seed', seed);
  const key = [(seed % twoTo32) >>> 0, Math.floor(seed / twoTo32) >>> 0] as const;
  return (dims, drawIndex) => {
    if (!Number.isInteger(drawIndex) || drawIndex < 1 || drawIndex >= twoTo32) {
      throw new InvalidInputError('drawIndex', `${drawIndex} is not a whole number from 1 to 2^32 - 1`);
    }
    const out = new Float32Array(tensorSize(dims));
    const block = new Uint32Array(4);
    let filled = 0;
    for (let counter = 0; filled < out.length; counter++) {
      philox4x32([counter >>> 0, drawIndex, 0, 0], key, block);
      for (let pair = 0; pair < 2 && filled < out.length; pair++) {
        // Centred 32-bit uniforms in (−1, 1), never exactly 0 or ±1.
        const u = ((block[2 * pair]! + 0.5) / twoTo32) * 2 - 1;
        const v = ((block[2 * pair + 1]! + 0.5) / twoTo32) * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1) continue;
        const factor = Math.sqrt((-2 * portableLog(s)) / s);
        out[filled++] = u * factor;
        if (filled < out.length) out[filled++] = v * factor;
      }
    }
    return out;
  };
}

/** Checks an injected noise source: a function `(dims, drawIndex) => Float32Array`; `name` names it. */
export function assertNoiseSource(name: string, noise: NoiseSource): void {
  if (typeof noise !== 'function') {
    throw new InvalidInputError(name, 'must be a function (dims, drawIndex) => Float32Array');
  }
}

/**
 * The noise a run uses: `noise` when injected, otherwise seeded noise of `seed` (a random seed when none
 * is given, returned so the run can be repeated). Every draw is checked for its length and finiteness.
 */
export function resolveNoise(options: { readonly seed?: number; readonly noise?: NoiseSource }): {
  seed: number | undefined;
  noise: NoiseSource;
} {
  const seed = options.noise
    ? undefined
    : (options.seed ?? (globalThis.crypto.getRandomValues(new Uint32Array(1))[0] as number));
  if (seed !== undefined) assertSeed('options.seed', seed);
  if (options.noise !== undefined) assertNoiseSource('options.noise', options.noise);
  const source = options.noise ?? createSeededNoise(seed!);
  const noise: NoiseSource = (dims, drawIndex) => {
    const values = source(dims, drawIndex);
    if (!(values instanceof Float32Array) || values.length !== tensorSize(dims)) {
      throw new InvalidInputError(
        'options.noise',
        `draw ${drawIndex} must be a Float32Array of ${tensorSize(dims)}`,
      );
    }
    assertFinite(`options.noise (draw ${drawIndex})`, values);
    return values;
  };
  return { seed, noise };
}
