import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { transformPoints } from '../image/affine.js';
import { resizeImage } from '../image/resize-image.js';
import { centerCropTransform, cropImage, cropSource, cropTransformFromBox } from './crop-image.js';

function pattern(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x % 256, y % 256, (x * 7 + y * 3) % 256], (y * width + x) * 3);
  }
  return { width, height, channels: 3, data };
}

describe('cropping', () => {
  const image = pattern(300, 240);
  // An upright 5-point face around (150, 120), 40 px between the eyes.
  const face = [130, 110, 170, 110, 150, 125, 134, 145, 166, 145];

  it('puts the crop centre at dsize/2 and maps landmarks consistently', () => {
    const { image: crop, transform } = cropImage(image, face, { dsize: 128, scale: 2 });
    expect([crop.width, crop.height]).toEqual([128, 128]);
    const [cx, cy] = transform.center;
    const [u, v] = transformPoints([cx, cy], transform.mO2c);
    expect(u).toBeCloseTo(64, 9);
    expect(v).toBeCloseTo(64, 9);
    // Scale 2 of a 40x35 extent = 80 px side onto 128 px: the pattern's x channel steps 80/128 per pixel.
    const left = crop.data[(64 * 128 + 32) * 3]!;
    const right = crop.data[(64 * 128 + 96) * 3]!;
    expect(right - left).toBeCloseTo(64 * (transform.size / 128), 0);
  });

  it('builds the 512 source crop and its 256 INTER_AREA input', () => {
    const source = cropSource(image, face);
    expect([source.image.width, source.input.width, source.input.height]).toEqual([512, 256, 256]);
    expect(Array.from(source.input.data)).toEqual(
      Array.from(resizeImage(source.image, 256, 256, 'area').data),
    );
    const again = cropSource(image, source.transform);
    expect(Array.from(again.image.data)).toEqual(Array.from(source.image.data));
  });

  it('is black where the crop leaves the image', () => {
    const corner = [2, 2, 12, 2, 7, 6, 3, 12, 11, 12];
    const { image: crop } = cropImage(image, corner, { dsize: 64 });
    expect(Array.from(crop.data.subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it('crops around a box and falls back to the centred square', () => {
    const box = cropTransformFromBox([100, 80, 200, 160], { scale: 2, vyRatio: 0 });
    expect(box.size).toBe(200);
    expect(box.center).toEqual([150, 120]);
    const centre = centerCropTransform(300, 240, 240);
    expect(Array.from(centre.mO2c, (v) => v + 0)).toEqual([1, 0, -30, 0, 1, 0, 0, 0, 1]);
    expect(() => cropTransformFromBox([10, 10, 5, 20])).toThrow(/x2 > x1/);
    expect(() => cropSource(image, face, { inputSize: 0 })).toThrow(/inputSize/);
  });
});
