import { InvalidInputError } from '@joyvasa/core';

/** Number of head-pose bins of the motion extractor (3° each, covering −97.5°..97.5°). */
export const headPoseBins = 66;

/**
 * Head-pose logits to degrees, as the official `headpose_pred_to_degree`: the expectation of the softmax
 * over the 66 bins, `3 · Σ softmax(logits)ᵢ · i − 97.5`. Reads 66 values from `offset`.
 */
export function headPoseToDegrees(logits: ArrayLike<number>, offset = 0): number {
  if (logits.length < offset + headPoseBins) {
    throw new InvalidInputError(
      'head-pose logits',
      `expected ${headPoseBins} values from ${offset}, got ${logits.length}`,
    );
  }
  let max = -Infinity;
  for (let i = 0; i < headPoseBins; i++) max = Math.max(max, logits[offset + i]!);
  if (!Number.isFinite(max)) {
    throw new InvalidInputError('head-pose logits', `the largest logit is ${max}; expected finite values`);
  }
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < headPoseBins; i++) {
    const p = Math.exp(logits[offset + i]! - max);
    sum += p;
    weighted += p * i;
  }
  if (!Number.isFinite(weighted)) throw new InvalidInputError('head-pose logits', 'they contain NaN');
  return (3 * weighted) / sum - 97.5;
}
