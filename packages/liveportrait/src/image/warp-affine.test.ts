import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { invertAffine } from './affine.js';
import type { GrayImage } from './pixel-image.js';
import { warpAffine } from './warp-affine.js';

function gray(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, channels: 1, data };
}

/** Straightforward float bilinear with zero border, written independently of the implementation. */
function reference(src: GrayImage, m: number[], w: number, h: number): number[] {
  const inv = invertAffine('m', m);
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= src.width || y >= src.height ? 0 : src.data[y * src.width + x]!;
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = inv[0]! * x + inv[1]! * y + inv[2]!;
      const sy = inv[3]! * x + inv[4]! * y + inv[5]!;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const v =
        at(x0, y0) * (1 - fx) * (1 - fy) +
        at(x0 + 1, y0) * fx * (1 - fy) +
        at(x0, y0 + 1) * (1 - fx) * fy +
        at(x0 + 1, y0 + 1) * fx * fy;
      out.push(Math.round(v));
    }
  }
  return out;
}

/** OpenCV 4.x's fixed-point warp: source position quantised to 1/32 px, integer weights. */
function opencvFixedPoint(src: GrayImage, m: number[], w: number, h: number): number[] {
  const inv = invertAffine('m', m);
  const at = (x: number, y: number) =>
    x < 0 || y < 0 || x >= src.width || y >= src.height ? 0 : src.data[y * src.width + x]!;
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    const x0 = Math.round((inv[1]! * y + inv[2]!) * 1024) + 16;
    const y0 = Math.round((inv[4]! * y + inv[5]!) * 1024) + 16;
    for (let x = 0; x < w; x++) {
      const X = (x0 + Math.round(inv[0]! * x * 1024)) >> 5;
      const Y = (y0 + Math.round(inv[3]! * x * 1024)) >> 5;
      const [ix, iy, fx, fy] = [X >> 5, Y >> 5, X & 31, Y & 31];
      const sum =
        at(ix, iy) * (32 - fx) * (32 - fy) +
        at(ix + 1, iy) * fx * (32 - fy) +
        at(ix, iy + 1) * (32 - fx) * fy +
        at(ix + 1, iy + 1) * fx * fy;
      out.push((sum * 32 + (1 << 14)) >> 15);
    }
  }
  return out;
}

describe('warpAffine', () => {
  const ramp = gray(40, 30, (x, y) => (x * 5 + y * 3) % 256);

  it('is the identity for the identity matrix and shifts by whole pixels with a zero border', () => {
    expect(Array.from(warpAffine(ramp, [1, 0, 0, 0, 1, 0], 40, 30).data)).toEqual(Array.from(ramp.data));
    const shifted = warpAffine(ramp, [1, 0, 3, 0, 1, -2], 40, 30);
    expect(shifted.data[5 * 40 + 10]).toBe(ramp.data[7 * 40 + 7]);
    expect(shifted.data[5 * 40 + 1]).toBe(0); // came from x = -2
    expect(shifted.data[29 * 40 + 10]).toBe(0); // came from y = 31
  });

  it('averages neighbours at half-pixel offsets and fades to 0 across the border', () => {
    const two = gray(2, 1, (x) => (x === 0 ? 100 : 201));
    const half = warpAffine(two, [1, 0, -0.5, 0, 1, 0], 2, 1);
    expect(Array.from(half.data)).toEqual([151, 101]); // 150.5 rounds up; 201 half-mixed with border 0
  });

  it('rotates by 90° exactly', () => {
    // (x, y) -> (29 - y, x): a quarter turn mapping the 40x30 image onto 30x40.
    const turned = warpAffine(ramp, [0, -1, 29, 1, 0, 0], 30, 40);
    for (const [x, y] of [
      [0, 0],
      [12, 7],
      [39, 29],
    ] as const)
      expect(turned.data[x * 30 + (29 - y)]).toBe(ramp.data[y * 40 + x]);
  });

  it('matches a straightforward float bilinear on an arbitrary similarity, RGB too', () => {
    const a = 0.41;
    const m = [1.7 * Math.cos(a), 1.7 * Math.sin(a), -8.3, -1.7 * Math.sin(a), 1.7 * Math.cos(a), 21.9];
    expect(Array.from(warpAffine(ramp, m, 64, 48).data)).toEqual(reference(ramp, m, 64, 48));
    const rgb: RgbImage = { width: 40, height: 30, channels: 3, data: new Uint8Array(3600) };
    for (let i = 0; i < 1200; i++) rgb.data.set([ramp.data[i]!, 255 - ramp.data[i]!, 7], 3 * i);
    const warped = warpAffine(rgb, m, 64, 48);
    const red = Array.from({ length: 64 * 48 }, (_, i) => warped.data[3 * i]!);
    expect(red).toEqual(reference(ramp, m, 64, 48));
  });

  it('differs from OpenCV 4.x fixed point by at most 1 LSB on a smooth image', () => {
    const smooth = gray(64, 64, (x, y) => Math.round(127 + 100 * Math.sin(x / 9) * Math.cos(y / 11)));
    const a = -0.23;
    const m = [0.83 * Math.cos(a), 0.83 * Math.sin(a), 9.1, -0.83 * Math.sin(a), 0.83 * Math.cos(a), 14.7];
    const ours = warpAffine(smooth, m, 64, 64).data;
    const cv = opencvFixedPoint(smooth, m, 64, 64);
    const inv = invertAffine('m', m);
    let [interiorWorst, edgeWorst, compared] = [0, 0, 0];
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const sx = inv[0]! * x + inv[1]! * y + inv[2]!;
        const sy = inv[3]! * x + inv[4]! * y + inv[5]!;
        const difference = Math.abs(ours[y * 64 + x]! - cv[y * 64 + x]!);
        // Away from the border the image is smooth; across it, it steps to 0 and quantisation shows.
        if (sx >= 1 && sy >= 1 && sx <= 62 && sy <= 62) {
          interiorWorst = Math.max(interiorWorst, difference);
          compared++;
        } else edgeWorst = Math.max(edgeWorst, difference);
      }
    }
    expect(compared).toBeGreaterThan(1500);
    expect(interiorWorst).toBeLessThanOrEqual(1);
    expect(edgeWorst).toBeLessThanOrEqual(4);
  });

  it('rejects bad images, matrices and sizes', () => {
    expect(() => warpAffine(ramp, [1, 0, 0, 2, 0, 0], 10, 10)).toThrow(/singular/);
    expect(() => warpAffine(ramp, [1, 0, 0, 0, 1, 0], 0, 10)).toThrow(/positive/);
    expect(() => warpAffine({ ...ramp, data: new Uint8Array(5) }, [1, 0, 0, 0, 1, 0], 4, 4)).toThrow(
      /1200 bytes/,
    );
  });
});
