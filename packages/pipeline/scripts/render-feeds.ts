/**
 * Inputs for the renderer scripts, as `../shared/bench/official_renderer.py` makes them: one uniform [0, 1)
 * appearance volume, source keypoints uniform in [0, 0.5), driving = source + 0.02·N(0, 1). Deterministic.
 */
import { createTensor, type TensorLike } from '@joyvasa/core';

/** Uniform [0, 1) values from mulberry32 seeded with `seed`. */
function uniform(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  });
}

/** W's feeds for `batch` frames of one source; `volume` is the appearance volume's [C, D, H, W]. */
export function officialStyleFeeds(
  batch: number,
  volume: readonly [number, number, number, number] = [32, 16, 64, 64],
): Record<string, TensorLike> {
  const source = uniform(batch * 63, 2).map((v) => 0.5 * v);
  const noise = uniform(batch * 126, 3);
  // Box–Muller on two uniforms per value: 0.02·N(0, 1), as `0.02 * torch.randn_like`.
  const gaussian = (i: number) =>
    Math.sqrt(-2 * Math.log(1 - noise[2 * i]!)) * Math.cos(2 * Math.PI * noise[2 * i + 1]!);
  return {
    feature_3d: createTensor(
      'float32',
      [1, ...volume],
      uniform(
        volume.reduce((a, b) => a * b),
        1,
      ),
    ),
    kp_source: createTensor('float32', [batch, 21, 3], source),
    kp_driving: createTensor(
      'float32',
      [batch, 21, 3],
      source.map((v, i) => v + 0.02 * gaussian(i)),
    ),
  };
}
