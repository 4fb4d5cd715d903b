import { InvalidInputError } from './errors.js';

/**
 * An 8-bit image in memory, rows top to bottom, channels interleaved (RGB or RGBA).
 * Browser `ImageData` has this shape with `channels` 4.
 */
export interface ImageLike {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** An RGB image, the form every stage of the pipeline works on. */
export interface RgbImage extends ImageLike {
  readonly channels: 3;
  readonly data: Uint8Array;
}

/** Checks an image's fields and sizes; throws {@link InvalidInputError} naming `what`. */
export function assertImage(what: string, image: unknown): asserts image is ImageLike {
  const candidate = image as Partial<ImageLike> | null;
  if (typeof candidate !== 'object' || candidate === null)
    throw new InvalidInputError(what, 'expected an image');
  const { width, height, channels, data } = candidate;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! <= 0 || height! <= 0) {
    throw new InvalidInputError(what, `width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4)
    throw new InvalidInputError(what, `channels must be 3 or 4, got ${channels}`);
  if (!data || data.length !== width! * height! * channels) {
    throw new InvalidInputError(
      what,
      `data holds ${data?.length ?? 0} bytes, ${width}x${height}x${channels} needed`,
    );
  }
}

/** Returns the image as RGB. Alpha is dropped, as OpenCV's `imread` does in the official pipeline. */
export function toRgbImage(image: ImageLike): RgbImage {
  assertImage('image', image);
  if (image.channels === 3 && image.data instanceof Uint8Array) return image as RgbImage;
  const pixels = image.width * image.height;
  const rgb = new Uint8Array(pixels * 3);
  const step = image.channels;
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = image.data[i * step]!;
    rgb[i * 3 + 1] = image.data[i * step + 1]!;
    rgb[i * 3 + 2] = image.data[i * step + 2]!;
  }
  return { width: image.width, height: image.height, channels: 3, data: rgb };
}
