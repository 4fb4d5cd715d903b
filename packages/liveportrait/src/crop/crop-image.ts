import { type FaceBox, InvalidInputError, type RgbImage } from '@joyvasa/core';
import { assertPixelImage } from '../image/pixel-image.js';
import { resizeImage } from '../image/resize-image.js';
import { warpAffine } from '../image/warp-affine.js';
import {
  type CropOptions,
  type CropTransform,
  cropTransformFromRect,
  estimateCropTransform,
} from './crop-transform.js';

/** Re-exported so the crop's callers name one box type, the core contract's. */
export type { FaceBox };

/** A crop and where it came from. */
export interface CropResult {
  /** The `dsize x dsize` crop (bilinear warp, black outside the image). */
  readonly image: RgbImage;
  readonly transform: CropTransform;
}

/** The source crop: the 512 crop, its 256 network input and the transform. */
export interface SourceCrop extends CropResult {
  /** `image` shrunk to 256x256 with area averaging (`INTER_AREA`), the input of F and M. */
  readonly input: RgbImage;
}

/** Options of {@link cropSource}: those of {@link CropOptions} plus the network input side. */
export interface SourceCropOptions extends CropOptions {
  /** Side of the network input, pixels. Default 256. */
  readonly inputSize?: number;
}

/** Warps the image into the crop a transform describes (OpenCV `warpAffine`, bilinear, border 0). */
export function applyCrop(image: RgbImage, transform: CropTransform): CropResult {
  return { image: warpAffine(image, transform.mO2c, transform.dsize, transform.dsize), transform };
}

/**
 * Crops an image around landmarks (the official `crop_image`): see {@link estimateCropTransform} for
 * the geometry. `points` is flat `[x0, y0, …]` in original-image pixels.
 */
export function cropImage(image: RgbImage, points: ArrayLike<number>, options: CropOptions = {}): CropResult {
  assertPixelImage('image', image);
  return applyCrop(image, estimateCropTransform(points, options));
}

/**
 * The source crop of the official `crop_source_image`: a 512x512 similarity crop (scale 2.3, vy −0.125,
 * rotation on by default) and its 256x256 `INTER_AREA` shrink. Pass landmarks (106-point for humans,
 * 9-point for animals, or any layout of `landmarkAnchors`) or an already computed {@link CropTransform}.
 */
export function cropSource(
  image: RgbImage,
  landmarks: ArrayLike<number> | CropTransform,
  options: SourceCropOptions = {},
): SourceCrop {
  assertPixelImage('image', image);
  const inputSize = options.inputSize ?? 256;
  if (!Number.isInteger(inputSize) || inputSize <= 0) {
    throw new InvalidInputError('options.inputSize', `expected a positive whole number, got ${inputSize}`);
  }
  const transform = isCropTransform(landmarks) ? landmarks : estimateCropTransform(landmarks, options);
  const crop = applyCrop(image, transform);
  return { ...crop, input: resizeImage(crop.image, inputSize, inputSize, 'area') };
}

function isCropTransform(value: ArrayLike<number> | CropTransform): value is CropTransform {
  return (value as CropTransform).mO2c instanceof Float64Array;
}

/** Checks a face box: finite `[x1, y1, x2, y2]` with x2 > x1 and y2 > y1; `what` names it in the error. */
export function assertFaceBox(what: string, box: FaceBox): void {
  const [x1, y1, x2, y2] = box ?? [];
  if (![x1, y1, x2, y2].every(Number.isFinite) || !(x2! > x1!) || !(y2! > y1!)) {
    throw new InvalidInputError(
      what,
      `must be [x1, y1, x2, y2] with x2 > x1 and y2 > y1, all finite, got [${Array.from(box ?? []).join(', ')}]`,
    );
  }
}

/**
 * An upright crop around a face box, for when no landmarks exist (e.g. an animal face given by the caller):
 * the box's longer side times `scale` (default 2.3) as the crop side, centred on the box and shifted by
 * `vyRatio` (default −0.125) like the landmark crop. A box is a little larger than the landmark extent the
 * official scale was tuned on, so the face sits slightly smaller in the crop; pass `scale` to adjust.
 */
export function cropTransformFromBox(box: FaceBox, options: CropOptions = {}): CropTransform {
  assertFaceBox('box', box);
  const [x1, y1, x2, y2] = box;
  const dsize = options.dsize ?? 512;
  const size = Math.max(x2 - x1, y2 - y1) * (options.scale ?? 2.3);
  const center: [number, number] = [(x1 + x2) / 2, (y1 + y2) / 2 + (options.vyRatio ?? -0.125) * size];
  return cropTransformFromRect(center, size, 0, dsize);
}

/** The largest centred square of the image mapped onto a `dsize` crop: the last resort when nothing locates a face. */
export function centerCropTransform(width: number, height: number, dsize = 512): CropTransform {
  if (!(width > 0) || !(height > 0)) {
    throw new InvalidInputError('image', `width and height must be positive, got ${width}x${height}`);
  }
  // The official crop maps its centre to dsize/2, so (w/2, h/2) makes a square image of side dsize map to itself.
  return cropTransformFromRect([width / 2, height / 2], Math.min(width, height), 0, dsize);
}
