import { InvalidInputError } from '@joyvasa/core';
import type { GrayImage } from '../image/pixel-image.js';
import { decodePng } from './decode-png.js';
import { maskTemplatePngBase64 } from './mask-template-png.js';

/** Side of the mask template, pixels: the crop size it is drawn for. */
export const maskTemplateSize = 512;

/** The bytes of LivePortrait's `mask_template.png` (3,470 bytes, MIT licence; see `maskTemplatePngBase64`). */
export function maskTemplatePng(): Uint8Array {
  const binary = atob(maskTemplatePngBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * LivePortrait's paste-back mask template decoded: 512x512, 8-bit, one channel (the official code reads it
 * as three equal channels). White where the animated crop replaces the original, fading to black at the
 * crop's border. Decoded afresh on each call (about a millisecond), so callers own their copy.
 */
export async function loadMaskTemplate(): Promise<GrayImage> {
  const image = await decodePng(maskTemplatePng());
  if (image.channels !== 1 || image.width !== maskTemplateSize || image.height !== maskTemplateSize) {
    throw new InvalidInputError(
      'mask template',
      `expected 512x512 grayscale, got ${image.width}x${image.height}x${image.channels}`,
    );
  }
  return image;
}
