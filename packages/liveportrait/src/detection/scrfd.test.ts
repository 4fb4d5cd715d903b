import type { RgbImage, TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { decodeScrfdOutputs, prepareScrfdInput } from './scrfd.js';

/** Empty det_10g outputs for a 512 input: scores, boxes, keypoints for strides 8, 16, 32, 2 anchors. */
function emptyScrfdOutputs(batched = false): TensorLike<'float32'>[] {
  const counts = [8, 16, 32].map((stride) => (512 / stride) ** 2 * 2);
  return [1, 4, 10].flatMap((width) =>
    counts.map((n) => ({
      type: 'float32' as const,
      dims: batched ? [1, n, width] : [n, width],
      data: new Float32Array(n * width),
    })),
  );
}

/**
 * Writes one face into the raw outputs at the anchor of grid cell (gx, gy), anchor `a`, stride level `level`:
 * distances from the anchor centre in strides, as SCRFD's heads emit them. `box` and `points` in input pixels.
 */
function encodeFace(
  outputs: TensorLike<'float32'>[],
  level: number,
  [gx, gy, a]: [number, number, number],
  score: number,
  box: [number, number, number, number],
  points: number[] = [],
): void {
  const stride = [8, 16, 32][level]!;
  const side = 512 / stride;
  const k = (gy * side + gx) * 2 + a;
  const [cx, cy] = [gx * stride, gy * stride];
  outputs[level]!.data[k] = score;
  outputs[3 + level]!.data.set(
    [(cx - box[0]) / stride, (cy - box[1]) / stride, (box[2] - cx) / stride, (box[3] - cy) / stride],
    4 * k,
  );
  points.forEach((v, i) => {
    outputs[6 + level]!.data[10 * k + i] = (v - (i % 2 === 0 ? cx : cy)) / stride;
  });
}

describe('SCRFD', () => {
  it('letterboxes into the top-left of a 512 square with (x - 127.5) / 128', () => {
    const image: RgbImage = {
      width: 1024,
      height: 768,
      channels: 3,
      data: new Uint8Array(1024 * 768 * 3).fill(200),
    };
    image.data.set([0, 128, 255], 0);
    const { tensor, scale } = prepareScrfdInput(image);
    expect(tensor.dims).toEqual([1, 3, 512, 512]);
    expect(scale).toBe(0.5); // 384 / 768
    const plane = 512 * 512;
    // The 2x shrink averages the 2x2 block: R (0 + 3·200)/4 = 150, G (128 + 600)/4 = 182, B 213.75 -> 214.
    expect([tensor.data[0], tensor.data[plane], tensor.data[2 * plane]]).toEqual(
      [150, 182, 214].map((v) => (v - 127.5) / 128),
    );
    expect(tensor.data[383 * 512 + 511]).toBe((200 - 127.5) / 128);
    expect(tensor.data[384 * 512]).toBe(-0.99609375); // padding row
    expect(tensor.data[2 * plane + 384 * 512 + 7]).toBe(-0.99609375);
    const tall = prepareScrfdInput({
      width: 300,
      height: 600,
      channels: 3,
      data: new Uint8Array(300 * 600 * 3),
    });
    expect(tall.scale).toBe(512 / 600);
    expect(tall.tensor.data[255]).toBe(-127.5 / 128); // inside the 256-wide resized image (black pixel)
  });

  it('decodes boxes and points, thresholds, suppresses overlaps and rescales', () => {
    const outputs = emptyScrfdOutputs();
    const kps = [120, 190, 180, 190, 150, 220, 125, 250, 175, 250];
    encodeFace(outputs, 1, [9, 13, 1], 0.9, [100, 150, 200, 280], kps);
    encodeFace(outputs, 1, [10, 13, 0], 0.8, [102, 152, 202, 282]); // the same face again: suppressed
    encodeFace(outputs, 0, [50, 10, 0], 0.6, [390, 70, 420, 110]); // a second, smaller face
    encodeFace(outputs, 2, [3, 3, 1], 0.1, [80, 80, 120, 120]); // below the 0.15 threshold
    const faces = decodeScrfdOutputs(outputs, { scale: 0.5 });
    expect(faces.map((f) => f.score)).toEqual([Math.fround(0.9), Math.fround(0.6)]);
    faces[0]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo([200, 300, 400, 560][i]!, 4);
    });
    Array.from(faces[0]!.keypoints!).forEach((v, i) => {
      expect(v).toBeCloseTo(kps[i]! * 2, 4);
    });
    faces[1]!.box.forEach((v, i) => {
      expect(v).toBeCloseTo([780, 140, 840, 220][i]!, 4);
    });
    expect(decodeScrfdOutputs(outputs, { scale: 0.5, threshold: 0.05 })).toHaveLength(3);
    expect(decodeScrfdOutputs(outputs, { scale: 0.5, nmsThreshold: 0.99 })).toHaveLength(3);
  });

  it('accepts batched outputs and the keypoint-free variant', () => {
    const outputs = emptyScrfdOutputs(true);
    encodeFace(outputs, 2, [4, 5, 0], 0.7, [100, 120, 180, 200]);
    expect(decodeScrfdOutputs(outputs)[0]!.box).toEqual([100, 120, 180, 200]);
    const noKeypoints = decodeScrfdOutputs(outputs.slice(0, 6));
    expect(noKeypoints[0]!.keypoints).toBeNull();
  });

  it('rejects outputs of another model', () => {
    const outputs = emptyScrfdOutputs();
    expect(() => decodeScrfdOutputs(outputs.slice(0, 5))).toThrow(/6, 9, 10 or 15 outputs/);
    const wrong = [...outputs];
    wrong[3] = { type: 'float32', dims: [100, 4], data: new Float32Array(400) };
    expect(() => decodeScrfdOutputs(wrong)).toThrow(/boxes \(stride 8\) must be float32 \[8192, 4\]/);
    expect(() => decodeScrfdOutputs(outputs, { scale: 0 })).toThrow(/scale/);
  });
});
