import type { TensorLike } from '@joyvasa/core';
import { compareToGolden, type GoldenComparison } from '../golden-case.js';

/**
 * The pipeline tolerances of the golden README ("The whole pipeline"): 8-bit images in levels, the mean
 * and the max of |ours − golden| each bounded, and for the frames also the share of pixel values more
 * than a few levels off. The one place the harness holds these numbers.
 */
export const pipelineTolerances = {
  /** Crop matrices, pixels (absolute). */
  cropMatrix: 1e-3,
  /** The sampler's windows: fifty chained steps (relative, like the module vectors). */
  motionWindow: 1e-3,
  /** OpenCV's fixed-point bilinear warp and INTER_AREA against ours in float. */
  cropImage: { mean: 0.25, max: 4 },
  /**
   * The generator's conditioning under formula weights (see the spade_generator case): PyTorch recomputing
   * its own frame on another machine differs by up to 7 levels, 0.2 % of the values more than 2 off.
   */
  frame: { mean: 0.5, max: 8, outliers: { beyond: 2, fraction: 0.005 } },
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

/** Bounds on |ours − golden| in levels: the mean, optionally the max and the share of outlying values. */
export interface LevelBounds {
  /** Largest mean error allowed. */
  readonly mean: number;
  /** Largest single error allowed; absent: not compared. */
  readonly max?: number;
  /** At most `fraction` (0..1) of the values may be more than `beyond` levels off; absent: not compared. */
  readonly outliers?: { readonly beyond: number; readonly fraction: number };
}

/**
 * Mean and max |ours − golden| of two images (or any arrays in levels), one row each, and the share of
 * outlying values when `bounds.outliers` is given; `scale` multiplies every error first (255 turns a 0..1
 * mask into levels). A missing `max` bound compares the mean only.
 */
export function compareLevels(
  module: string,
  output: string,
  actual: ArrayLike<number>,
  expected: TensorLike,
  bounds: LevelBounds,
  scale = 1,
): GoldenComparison[] {
  const golden = expected.data as ArrayLike<number>;
  if (actual.length !== golden.length) {
    const note = `${actual.length} values, the golden has ${golden.length} [${expected.dims.join(', ')}]`;
    return [{ module, output, maxAbsError: Number.POSITIVE_INFINITY, tolerance: 0, passed: false, note }];
  }
  let sum = 0;
  let worst = 0;
  let outlying = 0;
  const beyond = bounds.outliers?.beyond ?? Number.POSITIVE_INFINITY;
  for (let i = 0; i < golden.length; i++) {
    const error = Math.abs(actual[i]! - golden[i]!) * scale;
    sum += error;
    if (!(error <= worst)) worst = error;
    if (!(error <= beyond)) outlying++;
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
  if (bounds.outliers !== undefined) {
    const { beyond: levels, fraction } = bounds.outliers;
    rows.push(row(`share >${levels}`, outlying / golden.length, fraction));
  }
  return rows;
}
