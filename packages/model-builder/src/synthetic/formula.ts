import { createTensor, type TensorLike, tensorSize } from '@joyvasa/core';

/**
 * The formula weights of the golden vectors (../shared/golden/README.md): deterministic values from a seed
 * and a state-dict key, so tests and benchmarks can build structure-exact models without checkpoints.
 */

/** 32-bit FNV-1a hash of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * `wave(tag, n)[i] = 0.5 (sin(p + 0.731 i) + sin(1.3 p + 0.0421 i + 0.5))` with
 * `p = fnv1a32(seed + ":" + tag) / 2^32 * 2π`, computed in float64.
 */
export function formulaWave(seed: string, tag: string, length: number): Float64Array {
  const phase = (fnv1a32(`${seed}:${tag}`) / 2 ** 32) * 2 * Math.PI;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = 0.5 * (Math.sin(phase + 0.731 * i) + Math.sin(1.3 * phase + 0.0421 * i + 0.5));
  }
  return out;
}

/** Maps each wave value through `transform` and rounds to float32. */
function toFloat32(wave: Float64Array, transform: (value: number) => number): Float32Array {
  const out = new Float32Array(wave.length);
  for (let i = 0; i < wave.length; i++) out[i] = transform(wave[i]!);
  return out;
}

/**
 * The value of a state-dict entry from base values `w` in [-1, 1], by the golden README's rules on the key's
 * ending: `num_batches_tracked` 0 (int64); `running_mean` 0.1·w; `running_var` 1 + 0.25·w; `weight` of
 * rank ≥ 2 w·sqrt(3 / fan_in); `weight` of rank 1 1 + 0.1·w; `bias` 0.02·w; anything else 0.5·w.
 */
function parameterFrom(
  key: string,
  shape: readonly number[],
  base: (length: number) => Float64Array,
): TensorLike {
  const n = tensorSize(shape);
  if (key.endsWith('num_batches_tracked')) return createTensor('int64', shape, new BigInt64Array(n));
  const wave = base(n);
  let values: Float32Array;
  if (key.endsWith('running_mean')) values = toFloat32(wave, (w) => 0.1 * w);
  else if (key.endsWith('running_var')) values = toFloat32(wave, (w) => 1 + 0.25 * w);
  else if (key.endsWith('weight') && shape.length >= 2) {
    const gain = Math.sqrt(3 / (n / shape[0]!));
    values = toFloat32(wave, (w) => w * gain);
  } else if (key.endsWith('weight')) values = toFloat32(wave, (w) => 1 + 0.1 * w);
  else if (key.endsWith('bias')) values = toFloat32(wave, (w) => 0.02 * w);
  else values = toFloat32(wave, (w) => 0.5 * w);
  return createTensor('float32', shape, values);
}

/** The formula value of a state-dict entry: {@link parameterFrom} on `wave(key, n)`. */
export function formulaParameter(seed: string, key: string, shape: readonly number[]): TensorLike {
  return parameterFrom(key, shape, (n) => formulaWave(seed, key, n));
}

/**
 * The same rules on uniform pseudo-random values (mulberry32 seeded by fnv1a32(seed:key)). Unlike the
 * formula's rank-4 matrices these are well conditioned, and ten times cheaper to generate: for benchmarks
 * and for tests that need a network's full behaviour. Not part of the golden definition.
 */
export function randomParameter(seed: string, key: string, shape: readonly number[]): TensorLike {
  return parameterFrom(key, shape, (n) => uniformValues(seed, key, n));
}

/** Uniform values in [-1, 1): mulberry32 seeded by fnv1a32(seed:key). */
function uniformValues(seed: string, key: string, n: number): Float64Array {
  let state = fnv1a32(`${seed}:${key}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

/**
 * PyTorch-default-like values: what a freshly constructed module holds, in distribution (our own
 * generator, not torch's stream). Conv and linear weights and biases U(±1/√fan_in) (kaiming_uniform with
 * a = √5); norm weights 1, norm biases and running means 0, running variances 1. `fanIn` is the fan-in of
 * the layer a bias belongs to; a rank-1 `bias` without it is a norm's.
 */
export function pytorchDefaultParameter(
  seed: string,
  key: string,
  shape: readonly number[],
  fanIn?: number,
): TensorLike {
  const n = tensorSize(shape);
  if (key.endsWith('num_batches_tracked')) return createTensor('int64', shape, new BigInt64Array(n));
  const constant = (value: number) => createTensor('float32', shape, new Float32Array(n).fill(value));
  if (key.endsWith('running_mean')) return constant(0);
  if (key.endsWith('running_var')) return constant(1);
  const weight = /weight(_orig)?$/.test(key);
  if (weight && shape.length < 2) return constant(1);
  if (!weight && key.endsWith('bias') && fanIn === undefined) return constant(0);
  const bound = 1 / Math.sqrt(weight ? n / shape[0]! : (fanIn ?? n));
  return createTensor(
    'float32',
    shape,
    toFloat32(uniformValues(seed, key, n), (w) => w * bound),
  );
}

/** `input(tag, shape, lo, hi) = lo + (hi - lo) (wave("input:" + tag, n) + 1) / 2`, as float32. */
export function formulaInput(
  seed: string,
  tag: string,
  shape: readonly number[],
  low = -1,
  high = 1,
): TensorLike<'float32'> {
  const wave = formulaWave(seed, `input:${tag}`, tensorSize(shape));
  return createTensor(
    'float32',
    shape,
    toFloat32(wave, (w) => low + ((high - low) * (w + 1)) / 2),
  );
}
