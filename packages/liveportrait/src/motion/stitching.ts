import { InvalidInputError, type RunOptions } from '@joyvasa/core';
import { keypointCount } from './keypoint-info.js';
import { type MlpRunner, runMlp } from './mlp-runner.js';

const n = 3 * keypointCount;

/** The stitching MLP's input: `concat(x_s, x_d)` flattened (126 values). */
export function stitchingInput(source: ArrayLike<number>, driving: ArrayLike<number>): Float32Array {
  if (source.length !== n || driving.length !== n) {
    throw new InvalidInputError(
      'keypoints',
      `expected ${n} values each, got ${source.length} and ${driving.length}`,
    );
  }
  const input = new Float32Array(2 * n);
  input.set(source as ArrayLike<number>, 0);
  input.set(driving as ArrayLike<number>, n);
  return input;
}

/**
 * Applies the stitching MLP's 65 outputs to driving keypoints (the official `stitching`): the first 63 are
 * added to the 21 × 3 keypoints, the last two to the x and y of every keypoint. Writes into `out`
 * (default: a new array) and returns it.
 */
export function applyStitchingDelta(
  driving: ArrayLike<number>,
  delta: ArrayLike<number>,
  out: Float32Array = new Float32Array(n),
): Float32Array {
  if (driving.length !== n || delta.length !== n + 2 || out.length !== n) {
    throw new InvalidInputError(
      'stitching',
      `expected ${n} keypoint values and ${n + 2} deltas, got ${driving.length} and ${delta.length}`,
    );
  }
  const [dx, dy] = [delta[n]!, delta[n + 1]!];
  for (let k = 0; k < keypointCount; k++) {
    out[3 * k] = driving[3 * k]! + delta[3 * k]! + dx;
    out[3 * k + 1] = driving[3 * k + 1]! + delta[3 * k + 1]! + dy;
    out[3 * k + 2] = driving[3 * k + 2]! + delta[3 * k + 2]!;
  }
  return out;
}

/**
 * Stitching as the official wrapper applies it: runs the stitching MLP on `concat(x_s, x_d)` and adds its
 * output to `x_d` ({@link applyStitchingDelta}). Keypoints are 63 values (21 × 3) each.
 */
export async function stitchKeypoints(
  source: ArrayLike<number>,
  driving: ArrayLike<number>,
  stitching: MlpRunner,
  options?: RunOptions,
): Promise<Float32Array> {
  return stitchKeypointBatch(source, Float32Array.from(driving), stitching, options);
}

/**
 * {@link stitchKeypoints} for N frames of one source in ONE run of the MLP (`[N, 126]` in, `[N, 65]` out):
 * `driving` holds N × 63 values, frame after frame, and is stitched in place (and returned). Each frame
 * gets what a run of its own gives, to float tolerance.
 */
export async function stitchKeypointBatch(
  source: ArrayLike<number>,
  driving: Float32Array,
  stitching: MlpRunner,
  options?: RunOptions,
): Promise<Float32Array> {
  const rows = driving.length / n;
  if (!Number.isInteger(rows) || rows < 1) {
    throw new InvalidInputError(
      'keypoints',
      `expected a whole number of ${n}-value frames, got ${driving.length}`,
    );
  }
  const input = new Float32Array(rows * 2 * n);
  for (let row = 0; row < rows; row++) {
    input.set(stitchingInput(source, driving.subarray(row * n, (row + 1) * n)), row * 2 * n);
  }
  const delta = await runMlp(stitching, 'stitching', input, rows * (n + 2), options, rows);
  for (let row = 0; row < rows; row++) {
    const frame = driving.subarray(row * n, (row + 1) * n);
    applyStitchingDelta(frame, delta.subarray(row * (n + 2), (row + 1) * (n + 2)), frame);
  }
  return driving;
}
