import { InvalidInputError, type RgbImage } from '@joyvasa/core';
import { assertPixelImage, type PixelImage } from './pixel-image.js';
import { resizeImage } from './resize-image.js';

/** Options of {@link resizeToLimit}. */
export interface ResizeToLimitOptions {
  /** Longest side allowed, pixels; `0` disables the resize. Default 1280 (`source_max_dim`). */
  readonly maxDim?: number;
  /** Both sides are cut down to a multiple of this. Default 2 (`source_division`). */
  readonly division?: number;
}

/**
 * The official source-size limit (`resize_to_limit`): if the long side exceeds `maxDim`, resize bilinearly
 * so that it equals `maxDim` and the short side is `int(short · maxDim / long)`; then drop the last rows or
 * columns so that both sides are multiples of `division` (nothing is dropped if a side would become 0).
 * Returns the input itself when nothing changes.
 */
export function resizeToLimit<T extends PixelImage = RgbImage>(
  image: T,
  options: ResizeToLimitOptions = {},
): T {
  assertPixelImage('image', image);
  const maxDim = options.maxDim ?? 1280;
  const division = Math.max(options.division ?? 2, 1);
  if (!Number.isInteger(maxDim) || maxDim < 0) {
    throw new InvalidInputError('options.maxDim', `expected a whole number >= 0, got ${maxDim}`);
  }
  if (!Number.isInteger(division)) {
    throw new InvalidInputError('options.division', `expected a whole number, got ${division}`);
  }
  let result = image;
  const { width: w, height: h } = image;
  if (maxDim > 0 && Math.max(w, h) > maxDim) {
    // Same float expression as the official code, so the truncation lands on the same integer.
    const [newW, newH] =
      h > w ? [Math.trunc(w * (maxDim / h)), maxDim] : [maxDim, Math.trunc(h * (maxDim / w))];
    result = resizeImage(image, Math.max(newW, 1), Math.max(newH, 1), 'bilinear');
  }
  const evenW = result.width - (result.width % division);
  const evenH = result.height - (result.height % division);
  if (evenW === 0 || evenH === 0 || (evenW === result.width && evenH === result.height)) return result;
  return cropTopLeft(result, evenW, evenH);
}

/** The top-left `width x height` part of an image. */
export function cropTopLeft<T extends PixelImage>(image: T, width: number, height: number): T {
  assertPixelImage('image', image);
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > image.width ||
    height > image.height
  ) {
    throw new InvalidInputError(
      'crop',
      `${width}x${height} does not fit in the ${image.width}x${image.height} image`,
    );
  }
  const cn = image.channels;
  const data = new Uint8Array(width * height * cn);
  for (let y = 0; y < height; y++) {
    const from = y * image.width * cn;
    data.set(image.data.subarray(from, from + width * cn), y * width * cn);
  }
  return { width, height, channels: cn, data } as T;
}
