import { createTensor, type Float32Tensor, type RgbImage } from '@joyvasa/core';
import { type CropTransform, cropTransformFromRect } from '../crop/crop-transform.js';
import { transformPoints } from '../image/affine.js';
import { resizeImage } from '../image/resize-image.js';
import { warpAffine } from '../image/warp-affine.js';

/** A square, possibly rotated region of the image, mapped onto a network input. */
export interface Roi {
  readonly center: readonly [number, number];
  /** Side in original pixels. */
  readonly size: number;
  /** Rotation of the region's x axis, radians, clockwise positive (image y down). */
  readonly angle: number;
}

/** A network input cut from an image and the way back to original pixels. */
export interface RoiInput {
  /** float32 `[1, side, side, 3]` (NHWC), RGB, `pixel · scale + offset`. */
  readonly tensor: Float32Tensor;
  /** Input pixels → original pixels. */
  readonly toImage: (points: ArrayLike<number>) => Float32Array;
  readonly transform: CropTransform;
}

/**
 * Warps `roi` onto a `side` square (zeros outside the image) and normalises it. Before warping, an image
 * much larger than the region's input is area-reduced, so the bilinear warp does not alias (a 3500 px photo
 * sampled straight to 128 px loses the face's edges).
 */
export function roiInput(image: RgbImage, roi: Roi, side: number, scale: number, offset: number): RoiInput {
  const shrink = Math.floor(roi.size / side / 2);
  const source = shrink >= 2 ? reduce(image, shrink) : { image, factor: 1 };
  const transform = cropTransformFromRect(
    [roi.center[0] / source.factor, roi.center[1] / source.factor],
    roi.size / source.factor,
    roi.angle,
    side,
  );
  const pixels = warpAffine(source.image, transform.mO2c, side, side).data;
  const data = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) data[i] = pixels[i]! * scale + offset;
  const factor = source.factor;
  const mC2o = transform.mC2o;
  return {
    tensor: createTensor('float32', [1, side, side, 3], data),
    toImage: (points) => transformPoints(points, mC2o).map((value) => value * factor),
    transform,
  };
}

function reduce(image: RgbImage, shrink: number): { image: RgbImage; factor: number } {
  const width = Math.max(1, Math.round(image.width / shrink));
  const height = Math.max(1, Math.round(image.height / shrink));
  return { image: resizeImage(image, width, height, 'area'), factor: image.width / width };
}
