import type { RgbImage } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { imageToTensor, tensorToImage } from './image-tensor.js';

describe('image tensors', () => {
  const image: RgbImage = { width: 2, height: 1, channels: 3, data: Uint8Array.of(0, 128, 255, 10, 20, 30) };

  it('convert to NCHW float32 / 255 and back without loss', () => {
    const tensor = imageToTensor(image);
    expect(tensor.dims).toEqual([1, 3, 1, 2]);
    expect(Array.from(tensor.data)).toEqual([0, 10, 128, 20, 255, 30].map((v) => Math.fround(v / 255)));
    expect(Array.from(tensorToImage(tensor).data)).toEqual(Array.from(image.data));
  });

  it('clip to [0, 1] and truncate like the official parse_output', () => {
    const tensor = {
      type: 'float32' as const,
      dims: [3, 1, 2],
      data: Float32Array.of(-0.5, 1.7, 0.999, 0.5, Number.NaN, 0.0039),
    };
    // 0.999 * 255 = 254.745 -> 254 (truncated, not rounded); 0.5 -> 127; 0.0039 * 255 = 0.99 -> 0.
    expect(Array.from(tensorToImage(tensor).data)).toEqual([0, 254, 0, 255, 127, 0]);
  });

  it('pick a batch item and reject bad shapes', () => {
    const batch = { type: 'float32' as const, dims: [2, 3, 1, 1], data: Float32Array.of(0, 0, 0, 1, 1, 1) };
    expect(Array.from(tensorToImage(batch, 1).data)).toEqual([255, 255, 255]);
    expect(() => tensorToImage(batch, 2)).toThrow(/batchIndex/);
    expect(() => tensorToImage({ type: 'float32', dims: [1, 4, 1, 1], data: new Float32Array(4) })).toThrow(
      /dimension 1 must be 3/,
    );
    expect(() => imageToTensor(image, new Float32Array(5))).toThrow(/expected 6/);
  });

  it('write into a given buffer, which must fit the image', () => {
    const batch = {
      type: 'float32' as const,
      dims: [2, 3, 1, 2],
      data: Float32Array.from({ length: 12 }, (_, i) => i / 11),
    };
    const out = new Uint8Array(6);
    const second = tensorToImage(batch, 1, out);
    expect(second.data).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(tensorToImage(batch, 1).data));
    expect(() => tensorToImage(batch, 0, new Uint8Array(5))).toThrow(/expected 6 bytes/);
  });
});
