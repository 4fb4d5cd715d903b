import type { TensorLike } from '@joyvasa/core';

/** `max |actual − expected| / max(1, max |expected|)`: the golden suite's float32 measure. */
export function goldenDifference(actual: TensorLike, expected: TensorLike): number {
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(Number(actual.data[i]) - Number(expected.data[i])));
    scale = Math.max(scale, Math.abs(Number(expected.data[i])));
  }
  return worst / scale;
}
