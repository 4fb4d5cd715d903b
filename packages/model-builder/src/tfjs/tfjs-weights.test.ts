import { describe, expect, it } from 'vitest';
import { TfjsModelError } from './tfjs-model-error.js';
import { decodeWeightGroups, halfToFloat } from './tfjs-weights.js';

describe('decodeWeightGroups', () => {
  it('decodes float32, int32, float16 and uint8 / uint16 affine-quantized weights across split shards', async () => {
    const bytes = new Uint8Array(4 * 2 + 4 + 2 * 3 + 3 + 2 * 2);
    const view = new DataView(bytes.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2, true);
    view.setInt32(8, -7, true);
    for (const [i, half] of [0x3c00, 0xc000, 0x3555].entries()) view.setUint16(12 + 2 * i, half, true);
    bytes.set([0, 128, 255], 18);
    view.setUint16(21, 0, true);
    view.setUint16(23, 65535, true);
    const shards = { a: bytes.subarray(0, 10), b: bytes.subarray(10) };
    const weights = await decodeWeightGroups(
      'test',
      [
        {
          paths: ['a', 'b'],
          weights: [
            { name: 'f', shape: [2], dtype: 'float32' },
            { name: 'i', shape: [], dtype: 'int32' },
            { name: 'h', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
            {
              name: 'q8',
              shape: [3],
              dtype: 'float32',
              quantization: { dtype: 'uint8', scale: 0.5, min: -1 },
            },
            {
              name: 'q16',
              shape: [2],
              dtype: 'float32',
              quantization: { dtype: 'uint16', scale: 2, min: 3 },
            },
          ],
        },
      ],
      async (path) => shards[path as 'a' | 'b'],
    );
    expect(Array.from(weights.get('f')!.data)).toEqual([1.5, -2]);
    expect(Array.from(weights.get('i')!.data)).toEqual([-7]);
    expect(weights.get('i')!.dtype).toBe('int32');
    const half = Array.from(weights.get('h')!.data);
    expect(half.slice(0, 2)).toEqual([1, -2]);
    expect(half[2]).toBeCloseTo(1 / 3, 3);
    expect(Array.from(weights.get('q8')!.data)).toEqual([-1, 63, 126.5]);
    expect(Array.from(weights.get('q16')!.data)).toEqual([3, 3 + 2 * 65535]);
  });

  it('names the weight that runs past the end of truncated shards', async () => {
    const read = decodeWeightGroups(
      'model.json',
      [{ paths: ['a'], weights: [{ name: 'conv/kernel', shape: [4], dtype: 'float32' }] }],
      async () => new Uint8Array(12),
    );
    await expect(read).rejects.toThrow(TfjsModelError);
    await expect(read).rejects.toThrow(/conv\/kernel.*truncated/);
  });

  it('halfToFloat covers subnormals, infinities and NaN', () => {
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(halfToFloat(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0x8000)).toBe(-0);
  });
});
