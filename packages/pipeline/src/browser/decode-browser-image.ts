import { type ImageLike, InvalidInputError, type RgbImage, toRgbImage } from '@joyvasa/core';
import { decodeImage, imageBitmapToRgb } from '@joyvasa/liveportrait';

/**
 * An image in a browser or worker: an encoded file (`File` or `Blob`: PNG, JPEG, WebP, … whatever the
 * browser decodes), an `ImageBitmap`, an `ImageData` (e.g. from a canvas), or decoded pixels.
 */
export type BrowserImageInput = Blob | ImageBitmap | ImageData | ImageLike;

function isImageLike(value: object): value is ImageLike {
  return 'width' in value && 'height' in value && 'channels' in value && 'data' in value;
}

// Checked by shape, not `instanceof ImageData`, so ImageData from another realm (an iframe) works too.
function isImageData(value: object): value is ImageData {
  return (
    !('channels' in value) &&
    'width' in value &&
    'height' in value &&
    'data' in value &&
    value.data instanceof Uint8ClampedArray
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'an object';
}

/**
 * Turns a browser image input into the RGB image the pipeline works on. Files are decoded with the
 * browser's own decoders (`decodeImage` of `@joyvasa/liveportrait`: EXIF orientation honoured, alpha
 * dropped); `ImageBitmap`s are drawn as they are (the caller chose their orientation and colour handling
 * when creating them) and are not closed; `ImageData` and pixel objects are converted without copying
 * when already RGB.
 *
 * @throws InvalidInputError for anything else, for undecodable files and for sizes outside
 *   `imageSizeLimits`.
 */
export async function decodeBrowserImage(input: BrowserImageInput): Promise<RgbImage> {
  if (typeof Blob !== 'undefined' && input instanceof Blob) return decodeImage(input);
  if (typeof ImageBitmap !== 'undefined' && input instanceof ImageBitmap) return imageBitmapToRgb(input);
  if (typeof input === 'object' && input !== null) {
    if (isImageLike(input)) return toRgbImage(input);
    if (isImageData(input)) {
      return toRgbImage({ width: input.width, height: input.height, channels: 4, data: input.data });
    }
  }
  throw new InvalidInputError(
    'image',
    `expected a File or Blob, an ImageBitmap, an ImageData or { width, height, channels, data }, got ${describe(input)}`,
  );
}
