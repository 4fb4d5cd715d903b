import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { invertAffine, type Matrix3, toMatrix3 } from '../image/affine.js';
import { assertPixelImage, type GrayImage } from '../image/pixel-image.js';
import { type PixelRegion, warpAffineInto } from '../image/warp-affine.js';

/** The paste-back mask in original-image space, prepared once per source image. */
export interface PasteBackMask {
  readonly width: number;
  readonly height: number;
  /** Per-pixel weight of the animated crop, 0..1 (float32, `warped / 255`), `width · height` values. */
  readonly weights: Float32Array;
  /** The bounding box of non-zero weights; outside it the original is kept untouched. */
  readonly region: PixelRegion;
  /** Crop → original matrix the mask was warped with. */
  readonly mC2o: Matrix3;
}

/**
 * The official `prepare_paste_back`: warps the 512x512 mask template into the original image with the
 * crop's `M_c2o` (bilinear, border 0, on 8-bit values) and divides by 255 in float32.
 */
export function preparePasteBackMask(
  mask: GrayImage,
  mC2o: ArrayLike<number>,
  width: number,
  height: number,
): PasteBackMask {
  assertPixelImage('mask', mask);
  if (mask.channels !== 1)
    throw new InvalidInputError('mask', 'expected a single-channel mask (loadMaskTemplate())');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidInputError('paste-back size', `expected positive whole numbers, got ${width}x${height}`);
  }
  const matrix = toMatrix3('mC2o', mC2o);
  const warped: GrayImage = { width, height, channels: 1, data: new Uint8Array(width * height) };
  warpAffineInto(mask, invertAffine('mC2o', matrix), warped, { x0: 0, y0: 0, x1: width, y1: height });
  const weights = new Float32Array(width * height);
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = warped.data[y * width + x]!;
      if (v === 0) continue;
      weights[y * width + x] = v / 255;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
    }
  }
  const region = x1 > x0 ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: 0, y1: 0 };
  return { width, height, weights, region, mC2o: matrix };
}

/**
 * The official `paste_back`: warps the animated crop into the original with `M_c2o` (bilinear, border 0)
 * and blends `clip(mask · warped + (1 − mask) · original, 0, 255)`, truncated to 8 bits, in float32 as numpy
 * computes it. Pixels where the mask is 0 are the original's, exactly. Writes into `out` when given
 * (an image of the original's size), else into a new image.
 */
export function pasteBack(
  frame: RgbImage,
  original: RgbImage,
  mask: PasteBackMask,
  out?: RgbImage,
): RgbImage {
  assertPixelImage('frame', frame);
  assertPixelImage('original', original);
  const { width, height, region } = mask;
  if (frame.channels !== 3 || original.channels !== 3)
    throw new InvalidInputError('frame', 'expected RGB images');
  if (original.width !== width || original.height !== height) {
    throw new InvalidInputError(
      'original',
      `the mask was prepared for ${width}x${height}, got ${original.width}x${original.height}`,
    );
  }
  const result = out ?? { width, height, channels: 3 as const, data: new Uint8Array(width * height * 3) };
  if (result.width !== width || result.height !== height || result.data.length !== width * height * 3) {
    throw new InvalidInputError('out', `expected a ${width}x${height} RGB image`);
  }
  result.data.set(original.data);
  const regionWidth = region.x1 - region.x0;
  const regionHeight = region.y1 - region.y0;
  if (regionWidth <= 0 || regionHeight <= 0) return result;
  // Warp only the masked region: shift the output→crop matrix by the region's corner.
  const inverse = invertAffine('mC2o', mask.mC2o);
  inverse[2] = inverse[2]! + inverse[0]! * region.x0 + inverse[1]! * region.y0;
  inverse[5] = inverse[5]! + inverse[3]! * region.x0 + inverse[4]! * region.y0;
  const warped: RgbImage = { width: regionWidth, height: regionHeight, channels: 3, data: warpScratch(mask) };
  warpAffineInto(frame, inverse, warped, { x0: 0, y0: 0, x1: regionWidth, y1: regionHeight });
  blendRegion(warped.data, original.data, mask, result.data);
  return result;
}

/** The warped crop's buffer of one mask's region, kept with the mask: a frame's paste-back allocates none. */
const warpScratches = new WeakMap<PasteBackMask, Uint8Array>();

function warpScratch(mask: PasteBackMask): Uint8Array {
  const { x0, y0, x1, y1 } = mask.region;
  let scratch = warpScratches.get(mask);
  if (!scratch) {
    scratch = new Uint8Array((x1 - x0) * (y1 - y0) * 3);
    warpScratches.set(mask, scratch);
  }
  return scratch;
}

/** `clip(m · warped + (1 − m) · original, 0, 255)` in float32, truncated, over the mask's region. */
function blendRegion(warped: Uint8Array, original: Uint8Array, mask: PasteBackMask, out: Uint8Array): void {
  const { width, region, weights } = mask;
  const regionWidth = region.x1 - region.x0;
  const f = Math.fround;
  for (let y = region.y0, w = 0; y < region.y1; y++) {
    for (let pixel = y * width + region.x0, end = pixel + regionWidth; pixel < end; pixel++, w += 3) {
      const m = weights[pixel]!;
      if (m === 0) continue;
      const keep = f(1 - m);
      const o = pixel * 3;
      out[o] = clipByte(f(f(m * warped[w]!) + f(keep * original[o]!)));
      out[o + 1] = clipByte(f(f(m * warped[w + 1]!) + f(keep * original[o + 1]!)));
      out[o + 2] = clipByte(f(f(m * warped[w + 2]!) + f(keep * original[o + 2]!)));
    }
  }
}

/** `clip(value, 0, 255)`; the store into 8 bits truncates. */
function clipByte(value: number): number {
  return value < 0 ? 0 : Math.min(value, 255);
}
