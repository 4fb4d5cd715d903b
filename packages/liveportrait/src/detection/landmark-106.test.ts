import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { cropTransformFromRect } from '../crop/crop-transform.js';
import { decodeLandmark106, prepareLandmark106Input } from './landmark-106.js';
import { decodeLandmark203 } from './landmark-203.js';
import { nonMaxSuppression } from './non-max-suppression.js';

describe('landmark pre- and post-processing', () => {
  const image: RgbImage = { width: 400, height: 300, channels: 3, data: new Uint8Array(400 * 300 * 3) };
  for (let i = 0; i < 400 * 300; i++) image.data.set([(i % 400) % 256, 17, 230], 3 * i);

  it('crops 2d106det input around the box centre at 192 / (1.5 · longer side), raw 0..255 RGB', () => {
    const { tensor, matrix } = prepareLandmark106Input(image, [100, 50, 228, 146]);
    const s = 192 / (1.5 * 128);
    expect(Array.from(matrix)).toEqual([s, 0, 96 - s * 164, 0, s, 96 - s * 98, 0, 0, 1]);
    expect(tensor.dims).toEqual([1, 3, 192, 192]);
    // s = 1: crop pixel (96, 96) is image pixel (164, 98), whose red value is 164.
    expect([
      tensor.data[96 * 192 + 96],
      tensor.data[192 * 192 + 96 * 192 + 96],
      tensor.data[2 * 192 * 192],
    ]).toEqual([164, 17, 230]);
  });

  it('maps (p + 1) · 96 back through the inverse crop and keeps the last 106 rows of longer outputs', () => {
    const matrix = [2, 0, -100, 0, 2, -40];
    const raw = new Float32Array(2 * 110).fill(0.5);
    raw.set([-1, 1], 2 * 4); // first point of the last 106
    const points = decodeLandmark106({ type: 'float32', dims: [1, 220], data: raw }, matrix);
    expect(points.length).toBe(212);
    expect([points[0], points[1]]).toEqual([(0 + 100) / 2, (192 + 40) / 2]);
    expect([points[2], points[3]]).toEqual([(144 + 100) / 2, (144 + 40) / 2]);
    expect(() =>
      decodeLandmark106({ type: 'float32', dims: [1, 10], data: new Float32Array(10) }, matrix),
    ).toThrow(/212 values/);
  });

  it('scales landmark.onnx points by 224 and maps them through M_c2o', () => {
    const crop = cropTransformFromRect([100, 80], 112, 0, 224); // 2 crop pixels per image pixel
    const raw = new Float32Array(406).fill(0.5);
    raw.set([0, 1], 0);
    const points = decodeLandmark203({ type: 'float32', dims: [1, 406], data: raw }, crop);
    expect([points[0], points[1], points[2], points[3]]).toEqual([44, 136, 100, 80]);
    expect(() =>
      decodeLandmark203({ type: 'float32', dims: [1, 212], data: new Float32Array(212) }, crop),
    ).toThrow(/406 values/);
  });

  it('suppresses with +1 areas in visiting order', () => {
    // Boxes 0 and 1: 10x10 (+1: 11x11 = 121 each), overlap 6x11 = 66, IoU 66 / 176 = 0.375 <= 0.4: both kept.
    const boxes = [0, 0, 10, 10, 5, 0, 15, 10, 4, 0, 14, 10];
    expect(nonMaxSuppression(boxes, [0, 1], 0.4)).toEqual([0, 1]);
    // Box 2 overlaps box 0 by 7x11 = 77: IoU 77 / 165 = 0.467 > 0.4: suppressed; box 1 survives box 0.
    expect(nonMaxSuppression(boxes, [0, 2, 1], 0.4)).toEqual([0, 1]);
    expect(nonMaxSuppression(boxes, [2, 0, 1], 0.4)).toEqual([2]);
  });
});
