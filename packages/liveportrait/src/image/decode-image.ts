import { InvalidInputError, MissingDependencyError, type RgbImage } from '@joyvasa/core';
import { imageBitmapToRgb } from './image-bitmap-to-rgb.js';

/**
 * Decodes an image file in a browser (or a worker) into an {@link RgbImage}, with the platform's decoders:
 * `createImageBitmap` (EXIF orientation honoured, no premultiplication, no colour-space conversion), read
 * by {@link imageBitmapToRgb} (WebGL 2, so the colour under transparent pixels survives). Alpha is dropped
 * as OpenCV's `imread` drops it, keeping the stored colour; grayscale comes out as RGB.
 *
 * Formats are whatever the browser decodes (PNG, JPEG, WebP, GIF's first frame, AVIF, …). Sizes outside
 * `imageSizeLimits` and undecodable data throw {@link InvalidInputError}. In Node, where
 * `createImageBitmap` does not exist, this throws {@link MissingDependencyError}: use `readImage` from
 * `@joyvasa/liveportrait/node`.
 *
 * Browsers decode JPEG with their own IDCT and chroma upsampling, so pixels may differ by a few LSB from
 * OpenCV's libjpeg-turbo decoding; PNG and WebP lossless decode exactly.
 */
export async function decodeImage(blob: Blob): Promise<RgbImage> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new MissingDependencyError(
      'createImageBitmap and OffscreenCanvas',
      'decodeImage() needs a browser or worker; in Node use readImage() from @joyvasa/liveportrait/node',
    );
  }
  if (!blob || typeof blob.size !== 'number' || blob.size === 0) {
    throw new InvalidInputError('image', 'the file is empty; pass the bytes of a PNG, JPEG or WebP image');
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (cause) {
    throw new InvalidInputError(
      'image',
      `the browser could not decode it (${blob.type || 'unknown type'}, ${blob.size} bytes); ` +
        'pass a PNG, JPEG or WebP file',
      { cause },
    );
  }
  try {
    return imageBitmapToRgb(bitmap);
  } finally {
    bitmap.close();
  }
}
