import type { TensorLike } from '@joyvasa/core';
import { compareToGolden, type GoldenComparison } from '../golden-case.js';

/**
 * The pipeline tolerances of the golden README ("The whole pipeline"): 8-bit images in levels, the mean
 * and the max of |ours − golden| each bounded.
 */
export const pipelineTolerances = {
  /** Crop matrices, pixels (absolute). */
  cropMatrix: 1e-3,
  /** The sampler's windows: fifty chained steps (relative, like the module vectors). */
  motionWindow: 1e-3,
  /** OpenCV's fixed-point bilinear warp and INTER_AREA against ours in float. */
  cropImage: { mean: 0.25, max: 4 },
  /** The generator's conditioning under formula weights (see the spade_generator case). */
  frame: { mean: 0.5, max: 4 },
  /** Paste-back and its mask (the mask in levels, × 255). */
  pasted: { mean: 0.1, max: 3 },
  /** From the inputs alone: keypoints relative, frames mean only. */
  endToEndKeypoints: 5e-3,
  endToEndFrame: { mean: 1 },
} as const;

/** A comparison row that failed before numbers existed (a missing file, a stage that threw). */
export function failedRow(module: string, output: string, error: unknown): GoldenComparison {
  const note = error instanceof Error ? error.message : String(error);
  return { module, output, maxAbsError: Number.POSITIVE_INFINITY, tolerance: 0, passed: false, note };
}

/** max |ours − golden| against an absolute tolerance (the crop matrices, in pixels). */
export function compareAbsolute(
  module: string,
  output: string,
  actual: TensorLike,
  expected: TensorLike,
  tolerance: number,
): GoldenComparison {
  const row = compareToGolden(module, output, actual, expected);
  return { ...row, tolerance, passed: row.note === undefined && row.maxAbsError <= tolerance };
}

/**
 * Mean and max |ours − golden| of two images (or any arrays in levels), one row each; `scale` multiplies
 * both first (255 turns a 0..1 mask into levels). A missing `max` bound compares the mean only.
 */
export function compareLevels(
  module: string,
  output: string,
  actual: ArrayLike<number>,
  expected: TensorLike,
  bounds: { readonly mean: number; readonly max?: number },
  scale = 1,
): GoldenComparison[] {
  const golden = expected.data as ArrayLike<number>;
  if (actual.length !== golden.length) {
    const note = `${actual.length} values, the golden has ${golden.length} [${expected.dims.join(', ')}]`;
    return [{ module, output, maxAbsError: Number.POSITIVE_INFINITY, tolerance: 0, passed: false, note }];
  }
  let sum = 0;
  let worst = 0;
  for (let i = 0; i < golden.length; i++) {
    const error = Math.abs(actual[i]! - golden[i]!) * scale;
    sum += error;
    if (!(error <= worst)) worst = error;
  }
  const mean = sum / golden.length;
  const row = (label: string, value: number, tolerance: number): GoldenComparison => ({
    module,
    output: `${output} [${label}]`,
    maxAbsError: value,
    tolerance,
    passed: value <= tolerance,
    ...(Number.isNaN(value) ? { note: 'NaN in the output' } : {}),
  });
  const rows = [row('mean', mean, bounds.mean)];
  if (bounds.max !== undefined) rows.push(row('max', worst, bounds.max));
  return rows;
}
