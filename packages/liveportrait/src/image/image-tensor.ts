import {
  assertTensor,
  type Float32Tensor,
  InvalidInputError,
  type RgbImage,
  type TensorLike,
} from '@joyvasa/core';
import { assertPixelImage } from './pixel-image.js';

/**
 * An RGB image as the networks' input: float32 NCHW `[1, 3, height, width]`, values `pixel / 255` clipped
 * to [0, 1] (the official `prepare_source`). Pass `out` (length `3·width·height`) to reuse a buffer.
 */
export function imageToTensor(image: RgbImage, out?: Float32Array): Float32Tensor {
  assertPixelImage('image', image);
  if (image.channels !== 3) throw new InvalidInputError('image', 'expected an RGB image (3 channels)');
  const { width, height, data } = image;
  const plane = width * height;
  const values = out ?? new Float32Array(3 * plane);
  if (values.length !== 3 * plane) {
    throw new InvalidInputError(
      'out',
      `expected ${3 * plane} values for ${width}x${height}, got ${values.length}`,
    );
  }
  for (let i = 0; i < plane; i++) {
    values[i] = data[3 * i]! / 255;
    values[plane + i] = data[3 * i + 1]! / 255;
    values[2 * plane + i] = data[3 * i + 2]! / 255;
  }
  return { type: 'float32', dims: [1, 3, height, width], data: values };
}

/**
 * A network's RGB output back to 8 bits, as the official `parse_output`: `clip(x, 0, 1) · 255` in float32,
 * then truncation (not rounding). Accepts `[1, 3, H, W]` or `[3, H, W]` float32; `batchIndex` picks an
 * item of a larger batch `[N, 3, H, W]`. NaN becomes 0. Pass `out` (length `3·H·W`) to reuse a buffer.
 */
export function tensorToImage(tensor: TensorLike, batchIndex = 0, out?: Uint8Array): RgbImage {
  const rank = tensor.dims?.length;
  const bound = assertTensor('tensor', tensor, 'float32', rank === 3 ? [3, 'h', 'w'] : ['n', 3, 'h', 'w']);
  const n = bound.n ?? 1;
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= n) {
    throw new InvalidInputError('batchIndex', `expected 0..${n - 1}, got ${batchIndex}`);
  }
  const height = bound.h!;
  const width = bound.w!;
  const plane = width * height;
  const data = out ?? new Uint8Array(3 * plane);
  if (data.length !== 3 * plane) {
    throw new InvalidInputError(
      'out',
      `expected ${3 * plane} bytes for ${width}x${height}, got ${data.length}`,
    );
  }
  const start = batchIndex * 3 * plane;
  const values = tensor.data as Float32Array;
  // Pixel by pixel (the three planes read side by side), so the bytes are written in order.
  for (let i = 0, o = 0; i < plane; i++, o += 3) {
    data[o] = toByte(values[start + i]!);
    data[o + 1] = toByte(values[start + plane + i]!);
    data[o + 2] = toByte(values[start + 2 * plane + i]!);
  }
  return { width, height, channels: 3, data };
}

/** `clip(x, 0, 1) · 255` as a float32 product, as numpy computes it, so truncation lands on the same byte. */
function toByte(x: number): number {
  return x > 0 ? Math.fround(Math.min(x, 1) * 255) : 0;
}
