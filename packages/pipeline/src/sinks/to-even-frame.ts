import type { RgbImage } from '@joyvasa/core';

/**
 * Copies an RGB frame into a buffer of even width and height, repeating the last column and row when
 * a size is odd (yuv420p stores chroma per 2x2 block, so H.264 in yuv420p needs even sizes). Repeating
 * the edge keeps every source pixel unscaled and adds no black line.
 *
 * @returns rgb24 bytes of `evenSize(width) x evenSize(height)` pixels; always a new buffer.
 */
export function toEvenFrame(frame: RgbImage): Uint8Array {
  const { width, height, data } = frame;
  const outWidth = evenSize(width);
  const outHeight = evenSize(height);
  if (outWidth === width && outHeight === height) return data.slice();
  const out = new Uint8Array(outWidth * outHeight * 3);
  const rowBytes = width * 3;
  const outRowBytes = outWidth * 3;
  for (let y = 0; y < height; y++) {
    const row = y * outRowBytes;
    out.set(data.subarray(y * rowBytes, (y + 1) * rowBytes), row);
    if (outWidth !== width) out.copyWithin(row + rowBytes, row + rowBytes - 3, row + rowBytes);
  }
  if (outHeight !== height)
    out.copyWithin(height * outRowBytes, (height - 1) * outRowBytes, height * outRowBytes);
  return out;
}

/** The size rounded up to even: what {@link toEvenFrame} produces. */
export function evenSize(size: number): number {
  return size + (size & 1);
}
