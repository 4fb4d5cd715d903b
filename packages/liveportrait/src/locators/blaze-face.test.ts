import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { decodeBlazeFace } from './blaze-face.js';
import { faceMeshOpenness, faceMeshTo68 } from './face-mesh-points.js';

function heads(logits: Map<number, number>, rows: Map<number, number[]>) {
  const scores = [new Float32Array(512).fill(-20), new Float32Array(384).fill(-20)];
  const boxes = [new Float32Array(512 * 16), new Float32Array(384 * 16)];
  for (const [i, logit] of logits) (i < 512 ? scores[0]! : scores[1]!)[i < 512 ? i : i - 512] = logit;
  for (const [i, row] of rows) (i < 512 ? boxes[0]! : boxes[1]!).set(row, (i < 512 ? i : i - 512) * 16);
  // Named as the converted graph names them, in an order that is not the heads' order.
  return {
    Identity_3: createTensor('float32', [1, 384, 16], boxes[1]!),
    Identity: createTensor('float32', [1, 512, 1], scores[0]!),
    Identity_1: createTensor('float32', [1, 384, 1], scores[1]!),
    Identity_2: createTensor('float32', [1, 512, 16], boxes[0]!),
  };
}

describe('decodeBlazeFace', () => {
  it('places boxes and keypoints from the anchor centres of both grids and keeps only confident ones', () => {
    const row = [4, -2, 60, 80, -10, -5, 10, -5, 0, 5, 0, 20, -30, 0, 30, 0];
    // Anchor 37 is cell (2, 1) of the 16-grid (2 anchors per cell): centre (40, 24); anchor 512 + 6·54 is
    // cell (6, 6) of the 8-grid: centre (208, 208).
    const outputs = heads(
      new Map([
        [37, 3],
        [512 + 324, 1],
        [100, -1],
      ]),
      new Map([
        [37, row],
        [512 + 324, row],
      ]),
    );
    const found = decodeBlazeFace(outputs);
    expect(found).toHaveLength(2);
    expect(found[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(found[0]!.box.map((v) => +v.toFixed(4))).toEqual([14, -18, 74, 62]);
    expect(Array.from(found[0]!.keypoints.subarray(0, 4))).toEqual([30, 19, 50, 19]);
    expect(found[1]!.box.map((v) => +v.toFixed(4))).toEqual([182, 166, 242, 246]);
  });

  it('suppresses overlapping boxes, keeping the higher score', () => {
    const row = [0, 0, 60, 60, ...new Array(12).fill(0)];
    const found = decodeBlazeFace(
      heads(
        new Map([
          [0, 2],
          [1, 4],
        ]),
        new Map([
          [0, row],
          [1, row],
        ]),
      ),
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-4)), 6);
  });
});

describe('FaceMesh points', () => {
  it('maps 68 distinct FaceMesh indices into the iBUG layout', () => {
    expect(faceMeshTo68).toHaveLength(68);
    expect(new Set(faceMeshTo68).size).toBe(68);
    expect(faceMeshTo68.every((index) => index >= 0 && index < 468)).toBe(true);
  });

  it('measures openness as lid (lip) distance over corner distance', () => {
    const mesh = new Float32Array(936);
    const put = (index: number, x: number, y: number) => mesh.set([x, y], 2 * index);
    put(33, 0, 0);
    put(133, 10, 0);
    put(159, 5, -2);
    put(145, 5, 2);
    put(362, 20, 0);
    put(263, 40, 0);
    put(386, 30, -1);
    put(374, 30, 1);
    put(61, 0, 30);
    put(291, 20, 30);
    put(13, 10, 29);
    put(14, 10, 34);
    const { eyes, lip } = faceMeshOpenness(mesh);
    expect(eyes[0]).toBeCloseTo(0.4, 5);
    expect(eyes[1]).toBeCloseTo(0.1, 5);
    expect(lip).toBeCloseTo(0.25, 5);
  });
});
