import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import type { GrayImage } from './pixel-image.js';
import { resizeImage } from './resize-image.js';

function gray(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, channels: 1, data };
}

describe('resizeImage', () => {
  it('upsamples bilinearly with half-pixel centres and replicated edges (INTER_LINEAR)', () => {
    const row = gray(2, 1, (x) => (x === 0 ? 0 : 100));
    // Output centres map to -0.25, 0.25, 0.75, 1.25: clamped 0, 25, 75, clamped 100.
    expect(Array.from(resizeImage(row, 4, 1).data)).toEqual([0, 25, 75, 100]);
  });

  it('halves to 2x2 means (rounding half up) both bilinear and area', () => {
    const src = gray(8, 6, (x, y) => (x * 37 + y * 11 + x * y) % 256);
    const expected: number[] = [];
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 4; x++) {
        const sum = [0, 1]
          .flatMap((dy) => [0, 1].map((dx) => src.data[(2 * y + dy) * 8 + 2 * x + dx]!))
          .reduce((a, b) => a + b);
        expected.push((sum + 2) >> 2);
      }
    }
    expect(Array.from(resizeImage(src, 4, 3, 'area').data)).toEqual(expected);
    expect(Array.from(resizeImage(src, 4, 3, 'bilinear').data)).toEqual(expected);
  });

  it('averages exact blocks for other integer factors and covers cells fractionally otherwise', () => {
    const src = gray(9, 3, (x) => x * 10);
    expect(Array.from(resizeImage(src, 3, 1, 'area').data)).toEqual([10, 40, 70]);
    // 3 -> 2: cells [0, 1.5) and [1.5, 3): (a + b/2) / 1.5 and (b/2 + c) / 1.5.
    const three = gray(3, 1, (x) => [30, 60, 150][x]!);
    expect(Array.from(resizeImage(three, 2, 1, 'area').data)).toEqual([40, 120]);
  });

  it('downsamples bilinearly without anti-aliasing, as OpenCV', () => {
    // 4 -> 1: centre maps to 1.5, so only pixels 1 and 2 contribute.
    const src = gray(4, 1, (x) => [200, 10, 30, 200][x]!);
    expect(Array.from(resizeImage(src, 1, 1).data)).toEqual([20]);
  });

  it('keeps channels apart and returns the image unchanged at the same size', () => {
    const rgb: RgbImage = {
      width: 3,
      height: 2,
      channels: 3,
      data: Uint8Array.from({ length: 18 }, (_, i) => i * 13),
    };
    expect(Array.from(resizeImage(rgb, 3, 2).data)).toEqual(Array.from(rgb.data));
    expect(Array.from(resizeImage(rgb, 3, 2, 'area').data)).toEqual(Array.from(rgb.data));
    const wide = resizeImage(rgb, 6, 4, 'area');
    expect(wide.channels).toBe(3);
    expect(wide.data[0]).toBe(rgb.data[0]);
    expect(wide.data[2]).toBe(rgb.data[2]);
  });

  it('rejects bad sizes and interpolation names', () => {
    const src = gray(4, 4, () => 0);
    expect(() => resizeImage(src, 0, 4)).toThrow(/positive/);
    expect(() => resizeImage(src, 2.5, 4)).toThrow(/positive/);
    expect(() => resizeImage(src, 2, 2, 'cubic' as never)).toThrow(/bilinear/);
  });
});
