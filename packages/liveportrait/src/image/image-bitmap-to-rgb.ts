import { MissingDependencyError, type RgbImage, toRgbImage } from '@joyvasa/core';
import { imageSizeLimits } from './image-size-limits.js';

/**
 * Reads the pixels of an `ImageBitmap` as they are (no orientation or colour handling beyond what made the
 * bitmap) by drawing it onto an `OffscreenCanvas`; alpha is dropped. Does not close the bitmap.
 *
 * @throws InvalidInputError for sizes outside {@link imageSizeLimits}.
 * @throws MissingDependencyError where there is no `OffscreenCanvas` 2D context (Node).
 */
export function imageBitmapToRgb(bitmap: ImageBitmap): RgbImage {
  if (typeof OffscreenCanvas !== 'function') {
    throw new MissingDependencyError('OffscreenCanvas', 'reading an ImageBitmap needs a browser or worker');
  }
  const { width, height } = bitmap;
  imageSizeLimits.check(width, height);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new MissingDependencyError('OffscreenCanvas 2d context', 'this runtime offers none');
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, width, height);
  return toRgbImage({ width, height, channels: 4, data: rgba.data });
}
