import {
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  type RgbImage,
  type RunOptions,
  type SessionV1,
  type TensorLike,
} from '@joyvasa/core';
import { type CropTransform, estimateCropTransform, landmarkCropOptions } from '../crop/crop-transform.js';
import { transformPoints } from '../image/affine.js';
import { imageToTensor } from '../image/image-tensor.js';
import { assertPixelImage } from '../image/pixel-image.js';
import { warpAffine } from '../image/warp-affine.js';

/** The `landmark.onnx` input for one face and the crop that made it. */
export interface Landmark203Input {
  /** float32 `[1, 3, 224, 224]`, RGB / 255. */
  readonly tensor: Float32Tensor;
  readonly transform: CropTransform;
}

/**
 * `landmark.onnx` pre-processing as LivePortrait's `LandmarkRunner.run`: the similarity crop of the 106
 * landmarks (`crop_image`, 224 px, scale 1.5, vy −0.1, rotation on), RGB / 255.
 */
export function prepareLandmark203Input(image: RgbImage, landmarks106: ArrayLike<number>): Landmark203Input {
  assertPixelImage('image', image);
  if (landmarks106.length !== 212) {
    throw new InvalidInputError(
      'landmarks106',
      `expected 106 (x, y) points (212 values), got ${landmarks106.length}`,
    );
  }
  const transform = estimateCropTransform(landmarks106, landmarkCropOptions);
  const crop = warpAffine(image, transform.mO2c, transform.dsize, transform.dsize);
  return { tensor: imageToTensor(crop), transform };
}

/**
 * `landmark.onnx` post-processing: the third output holds 203 `(x, y)` normalised to the 224 crop;
 * times 224, mapped back through `M_c2o`. Returns flat `[x0, y0, …]` (406 values), original-image pixels.
 */
export function decodeLandmark203(output: TensorLike | undefined, transform: CropTransform): Float32Array {
  if (output?.type !== 'float32' || output.data.length !== 406) {
    throw new InvalidInputError(
      'landmark203 output',
      `the third output must be float32 with 406 values, got ${output?.type} [${output?.dims.join(', ')}]; ` +
        "pass LivePortrait's landmark.onnx",
    );
  }
  const values = output.data as Float32Array;
  const crop = new Float32Array(406);
  for (let i = 0; i < 406; i++) crop[i] = values[i]! * transform.dsize;
  return transformPoints(crop, transform.mC2o);
}

/** Runs `landmark.onnx` on one face: 203 landmarks, flat `[x0, y0, …]` in original-image pixels. */
export async function detectLandmarks203(
  image: RgbImage,
  landmarks106: ArrayLike<number>,
  session: SessionV1,
  options: RunOptions = {},
): Promise<Float32Array> {
  const { tensor, transform } = prepareLandmark203Input(image, landmarks106);
  if (session.outputNames.length < 3) {
    throw new InvalidInputError(
      'sessions.landmark203',
      `landmark.onnx has 3 outputs (the third holds the points), this session has ${session.outputNames.length}`,
    );
  }
  const outputs = await session.run({ [graphIo.faceLandmarks203.inputs.image]: tensor }, options);
  return decodeLandmark203(outputs[session.outputNames[2]!], transform);
}
