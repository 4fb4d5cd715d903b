import {
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  type RgbImage,
  type RunOptions,
  type SessionV1,
  type TensorLike,
} from '@joyvasa/core';
import type { FaceBox } from '../crop/crop-image.js';
import { invertAffine, type Matrix3, transformPoints } from '../image/affine.js';
import { assertPixelImage } from '../image/pixel-image.js';
import { warpAffine } from '../image/warp-affine.js';

/** Side of the `2d106det` input, pixels. */
export const landmark106InputSize = 192;

/** The `2d106det` input for one face and the crop that made it. */
export interface Landmark106Input {
  /** float32 `[1, 3, 192, 192]`, RGB, raw 0..255 (the model normalises internally). */
  readonly tensor: Float32Tensor;
  /** Original → crop matrix (3x3). */
  readonly matrix: Matrix3;
}

/**
 * `2d106det` pre-processing as InsightFace's `Landmark.get`: an upright crop centred on the box centre with
 * scale `192 / (1.5 · max(w, h))`, `M = [[s, 0, 96 − s·cx], [0, s, 96 − s·cy]]`, bilinear, border 0.
 * The official pipeline hands the model raw pixel values in RGB order (BGR swapped back by `blobFromImage`).
 */
export function prepareLandmark106Input(image: RgbImage, box: FaceBox): Landmark106Input {
  assertPixelImage('image', image);
  const [x1, y1, x2, y2] = box;
  const side = Math.max(x2 - x1, y2 - y1);
  if (![x1, y1, x2, y2].every(Number.isFinite) || !(side > 0)) {
    throw new InvalidInputError('box', `expected a finite box with positive size, got [${box.join(', ')}]`);
  }
  const size = landmark106InputSize;
  const s = size / (1.5 * side);
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const matrix = Float64Array.of(s, 0, size / 2 - s * cx, 0, s, size / 2 - s * cy, 0, 0, 1);
  const crop = warpAffine(image, matrix, size, size);
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    data[i] = crop.data[3 * i]!;
    data[plane + i] = crop.data[3 * i + 1]!;
    data[2 * plane + i] = crop.data[3 * i + 2]!;
  }
  return { tensor: { type: 'float32', dims: [1, 3, size, size], data }, matrix };
}

/**
 * `2d106det` post-processing: the first output's 212 values as 106 `(x, y)` in [−1, 1], mapped to crop
 * pixels by `(p + 1) · 96` and back to the image through the inverse crop matrix. Returns flat
 * `[x0, y0, …]` (212 values), original-image pixels.
 */
export function decodeLandmark106(output: TensorLike | undefined, matrix: ArrayLike<number>): Float32Array {
  const count = 106;
  if (output?.type !== 'float32' || output.data.length < count * 2) {
    throw new InvalidInputError(
      'landmark106 output',
      `expected float32 with 212 values ([1, 212]), got ${output?.type} [${output?.dims.join(', ')}]; pass 2d106det.onnx`,
    );
  }
  const values = output.data as Float32Array;
  // InsightFace keeps the last 106 rows when a model emits more.
  const start = values.length - count * 2;
  const half = landmark106InputSize / 2;
  const crop = new Float32Array(count * 2);
  for (let i = 0; i < count * 2; i++) crop[i] = (values[start + i]! + 1) * half;
  return transformPoints(crop, invertAffine('landmark crop', matrix));
}

/** Runs `2d106det` on one face: 106 landmarks, flat `[x0, y0, …]` in original-image pixels. */
export async function detectLandmarks106(
  image: RgbImage,
  box: FaceBox,
  session: SessionV1,
  options: RunOptions = {},
): Promise<Float32Array> {
  const { tensor, matrix } = prepareLandmark106Input(image, box);
  const { inputs, outputs } = graphIo.faceLandmarks106;
  const results = await session.run({ [inputs.image]: tensor }, options);
  return decodeLandmark106(results[outputs.landmarks], matrix);
}
