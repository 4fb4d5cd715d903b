import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { cropTopLeft, resizeToLimit } from './resize-to-limit.js';

function blank(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  return { width, height, channels: 3, data };
}

describe('resizeToLimit', () => {
  it('resizes the long side to 1280 and truncates the short side as the official code', () => {
    const portrait = resizeToLimit(blank(1080, 1439));
    expect([portrait.width, portrait.height]).toEqual([960, 1280]); // int(1080 * (1280 / 1439)) = 960
    const landscape = resizeToLimit(blank(1439, 1081));
    expect([landscape.width, landscape.height]).toEqual([1280, 960]); // int(961.5...) = 961, then even
    const square = resizeToLimit(blank(3511, 3511));
    expect([square.width, square.height]).toEqual([1280, 1280]);
  });

  it('only drops the last row and column to make sides even, keeping the pixels', () => {
    const odd = blank(257, 255);
    const even = resizeToLimit(odd);
    expect([even.width, even.height]).toEqual([256, 254]);
    expect(Array.from(even.data.subarray(0, 256 * 3))).toEqual(Array.from(odd.data.subarray(0, 256 * 3)));
    expect(Array.from(even.data.subarray(256 * 3, 256 * 3 + 3))).toEqual(
      Array.from(odd.data.subarray(257 * 3, 257 * 3 + 3)),
    );
    const small = blank(512, 512);
    expect(resizeToLimit(small)).toBe(small);
    expect(resizeToLimit(blank(2000, 1000), { maxDim: 0 }).width).toBe(2000);
  });

  it('rejects bad options and crops', () => {
    expect(() => resizeToLimit(blank(16, 16), { maxDim: -1 })).toThrow(/maxDim/);
    expect(() => cropTopLeft(blank(16, 16), 17, 4)).toThrow(/crop/);
  });
});
