import { syntheticMotionTemplate } from '@joyvasa/model-builder/synthetic';

/**
 * Test fixture: the synthetic bundles' motion statistics under the pickle's key names, the expression
 * statistics as the typed arrays a pickle gives, plus keys inference ignores.
 */
export function exampleStats(): Record<string, readonly number[] | Float32Array> {
  const stats = syntheticMotionTemplate();
  return {
    ...stats,
    mean_exp: Float32Array.from(stats.mean_exp!),
    std_exp: Float32Array.from(stats.std_exp!),
    mean_R: new Float32Array(9),
    abs_max_exp: new Float32Array(63),
  };
}
