import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { cropTransformFromRect } from '../crop/crop-transform.js';
import { warpAffine } from '../image/warp-affine.js';
import { loadMaskTemplate } from './mask-template.js';
import { pasteBack, preparePasteBackMask } from './paste-back.js';

function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    data[i] = state >>> 24;
  }
  return { width, height, channels: 3, data };
}

describe('paste-back', async () => {
  const template = await loadMaskTemplate();
  const original = noise(300, 240, 1);
  const frame = noise(512, 512, 2);
  // A 20°-rotated crop of side 180 centred at (150, 130): 512 crop pixels span 180 original pixels.
  const { mC2o } = cropTransformFromRect([150, 130], 180, (20 * Math.PI) / 180, 512);
  const mask = preparePasteBackMask(template, mC2o, 300, 240);

  it('warps the template with M_c2o and divides by 255', () => {
    const warped = warpAffine(template, mC2o, 300, 240);
    Array.from(warped.data).forEach((v, i) => {
      if (mask.weights[i] !== Math.fround(v / 255)) expect.fail(`weight ${i}`);
    });
    const { x0, y0, x1, y1 } = mask.region;
    for (let i = 0; i < mask.weights.length; i++) {
      const [x, y] = [i % 300, Math.floor(i / 300)];
      if (mask.weights[i]! > 0 && (x < x0 || x >= x1 || y < y0 || y >= y1))
        expect.fail(`weight ${i} outside the region`);
    }
    expect(x1 - x0).toBeGreaterThan(100);
  });

  it('keeps the original where the mask is 0, the frame where it is 1, and blends in float32 between', () => {
    const result = pasteBack(frame, original, mask);
    const warped = warpAffine(frame, mC2o, 300, 240);
    const f32 = new Float32Array(4);
    const counts = { kept: 0, replaced: 0, blended: 0 };
    for (let p = 0; p < 300 * 240; p++) {
      const m = mask.weights[p]!;
      for (let c = 0; c < 3; c++) {
        const i = 3 * p + c;
        if (m === 0) {
          counts.kept++;
          if (result.data[i] !== original.data[i]) expect.fail(`pixel ${p} changed outside the mask`);
          continue;
        }
        f32[0] = m * warped.data[i]!;
        f32[1] = 1 - m;
        f32[2] = f32[1]! * original.data[i]!;
        f32[3] = f32[0]! + f32[2]!;
        if (result.data[i] !== Math.trunc(f32[3]!))
          expect.fail(`pixel ${p}: ${result.data[i]} != trunc(${f32[3]})`);
        if (m === 1) counts.replaced++;
        else counts.blended++;
      }
    }
    expect(counts.kept).toBeGreaterThan(1000);
    expect(counts.replaced).toBeGreaterThan(1000);
    expect(counts.blended).toBeGreaterThan(1000);
  });

  it('writes into a given buffer and rejects mismatched sizes', () => {
    const out: RgbImage = {
      width: 300,
      height: 240,
      channels: 3,
      data: new Uint8Array(300 * 240 * 3).fill(7),
    };
    expect(pasteBack(frame, original, mask, out)).toBe(out);
    expect(Array.from(out.data)).toEqual(Array.from(pasteBack(frame, original, mask).data));
    expect(() => pasteBack(frame, noise(200, 240, 3), mask)).toThrow(/prepared for 300x240/);
    expect(() => preparePasteBackMask(template, mC2o, 0, 10)).toThrow(/positive/);
    expect(() => preparePasteBackMask(template, [1, 0, 0, 0, 0, 0], 10, 10)).toThrow(/singular/);
  });
});
