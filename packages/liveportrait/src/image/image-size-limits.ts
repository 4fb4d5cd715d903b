import { InvalidInputError, inputLimits } from '@joyvasa/core';

/**
 * The image sizes the decoders accept, pixels a side: at least `min` (16; smaller images carry no usable
 * face) and at most `max` (16384; larger ones would take gigabytes once decoded).
 */
export const imageSizeLimits = {
  min: inputLimits.imageMinSide,
  max: inputLimits.imageMaxSide,
  /** Throws {@link InvalidInputError} when `width x height` is outside the limits. */
  check(width: number, height: number, what = 'image'): void {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new InvalidInputError(what, `the decoder reported an impossible size ${width}x${height}`);
    }
    if (width < imageSizeLimits.min || height < imageSizeLimits.min) {
      throw new InvalidInputError(
        what,
        `${width}x${height} is too small; use an image at least ${imageSizeLimits.min} pixels a side`,
      );
    }
    if (width > imageSizeLimits.max || height > imageSizeLimits.max) {
      throw new InvalidInputError(
        what,
        `${width}x${height} is too large; scale it to at most ${imageSizeLimits.max} pixels a side first`,
      );
    }
  },
} as const;
