import { InvalidInputError, type RgbImage } from '@joyvasa/core';

/** An 8-bit single-channel image, rows top to bottom (e.g. the paste-back mask template). */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1;
  readonly data: Uint8Array;
}

/** The 8-bit images the geometric operations of this package accept: RGB or single-channel. */
export type PixelImage = RgbImage | GrayImage;

/**
 * Checks a {@link PixelImage}: positive integer sizes, 1 or 3 channels, a `Uint8Array` of exactly
 * `width · height · channels` bytes. Throws {@link InvalidInputError} naming `what`.
 */
export function assertPixelImage(what: string, image: unknown): asserts image is PixelImage {
  const candidate = image as Partial<PixelImage> | null;
  if (typeof candidate !== 'object' || candidate === null) {
    throw new InvalidInputError(what, 'expected an image { width, height, channels, data }');
  }
  const { width, height, channels, data } = candidate;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! <= 0 || height! <= 0) {
    throw new InvalidInputError(what, `width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new InvalidInputError(
      what,
      `channels must be 1 or 3, got ${channels}; convert RGBA with toRgbImage() from @joyvasa/core`,
    );
  }
  if (!(data instanceof Uint8Array) || data.length !== width! * height! * channels) {
    throw new InvalidInputError(
      what,
      `data must be a Uint8Array of ${width! * height! * channels} bytes (${width}x${height}x${channels}), ` +
        `got ${data instanceof Uint8Array ? `${data.length} bytes` : typeof data}`,
    );
  }
}

/** Checks that an output size is a positive integer no larger than `limit` pixels a side. */
export function assertOutputSize(what: string, width: number, height: number, limit = 1 << 15): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidInputError(what, `output size must be positive integers, got ${width}x${height}`);
  }
  if (width > limit || height > limit) {
    throw new InvalidInputError(what, `output size ${width}x${height} exceeds ${limit} pixels a side`);
  }
}

/** A new zero-filled image of the same kind (`channels`) as the given one. */
export function createPixelImage<T extends PixelImage>(
  channels: T['channels'],
  width: number,
  height: number,
): T {
  return { width, height, channels, data: new Uint8Array(width * height * channels) } as T;
}
