import { describe, expect, it } from 'vitest';
import { transformPoints } from '../image/affine.js';
import { estimateCropTransform, landmarkCropOptions } from './crop-transform.js';
import { landmarkAnchors } from './landmark-anchors.js';

// An upright 5-point face: eyes (40, 50) and (60, 50), nose (50, 60), mouth corners (42, 70) and (58, 70).
const upright = [40, 50, 60, 50, 50, 60, 42, 70, 58, 70];

describe('estimateCropTransform', () => {
  it('gives the hand-computed matrix for an upright face', () => {
    // Anchors: eye (50, 50), lip (50, 70) -> no rotation. Mean (50, 60); extent 20 x 20 -> side 20 · 2.3 = 46.
    // Centre moves up by 0.125 · 46 = 5.75 to (50, 54.25); s = 512 / 46.
    const { mO2c, mC2o, center, size, angle } = estimateCropTransform(upright);
    const s = 512 / 46;
    expect(angle).toBe(0);
    expect(size).toBeCloseTo(46, 12);
    expect(center[0]).toBeCloseTo(50, 12);
    expect(center[1]).toBeCloseTo(54.25, 12);
    const expected = [s, 0, 256 - s * 50, 0, s, 256 - s * 54.25, 0, 0, 1];
    Array.from(mO2c).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 9);
    });
    const inverse = [1 / s, 0, 50 - 256 / s, 0, 1 / s, 54.25 - 256 / s, 0, 0, 1];
    Array.from(mC2o).forEach((v, i) => {
      expect(v).toBeCloseTo(inverse[i]!, 9);
    });
  });

  it('finds a quarter turn and crops a rotated face to the same crop', () => {
    // (x, y) -> (-y, x): the eye->mouth axis now points to -x, so ux = (0, 1) and the angle is +90°.
    const turned = upright.map((_, i) => (i % 2 === 0 ? -upright[i + 1]! : upright[i - 1]!));
    const rotated = estimateCropTransform(turned);
    expect(rotated.angle).toBeCloseTo(Math.PI / 2, 12);
    const straight = estimateCropTransform(upright);
    const a = transformPoints(upright, straight.mO2c);
    const b = transformPoints(turned, rotated.mO2c);
    a.forEach((v, i) => {
      expect(b[i]).toBeCloseTo(v, 4);
    });
  });

  it('reports a clockwise tilt as a positive angle and drops it when rotation is off', () => {
    const t = (20 * Math.PI) / 180;
    const tilted = upright.map((_, i) => {
      const [x, y] = i % 2 === 0 ? [upright[i]!, upright[i + 1]!] : [upright[i - 1]!, upright[i]!];
      return i % 2 === 0 ? x * Math.cos(t) - y * Math.sin(t) : x * Math.sin(t) + y * Math.cos(t);
    });
    const rotated = estimateCropTransform(tilted);
    expect(rotated.angle).toBeCloseTo(t, 12);
    const flat = estimateCropTransform(tilted, { rotate: false });
    expect(flat.center).toEqual(rotated.center);
    expect([flat.mO2c[1], flat.mO2c[3]]).toEqual([0, -0]);
    expect(flat.mO2c[0]).toBeCloseTo(512 / rotated.size, 12);
  });

  it('applies dsize, scale and vyRatio (the 224 landmark crop)', () => {
    const crop = estimateCropTransform(upright, landmarkCropOptions);
    expect(crop.size).toBeCloseTo(30, 12); // 20 · 1.5
    expect(crop.center[1]).toBeCloseTo(60 - 0.1 * 30, 12);
    expect(crop.mO2c[0]).toBeCloseTo(224 / 30, 12);
    expect(crop.mO2c[2]).toBeCloseTo(112 - (224 / 30) * 50, 9);
  });

  it('falls back to an upright axis when eyes and mouth coincide, and rejects bad input', () => {
    const collapsed = [10, 10, 10, 10, 10, 10, 10, 10, 30, 40];
    expect(() => estimateCropTransform(collapsed)).not.toThrow();
    expect(() => estimateCropTransform(new Array(10).fill(3))).toThrow(/coincide/);
    expect(() => estimateCropTransform(upright, { scale: 0 })).toThrow(/scale/);
    expect(() => estimateCropTransform(upright, { dsize: 10.5 })).toThrow(/dsize/);
    expect(() => estimateCropTransform([1, 2, 3])).toThrow(/pairs/);
  });
});

describe('landmarkAnchors', () => {
  function layout(count: number, eyes: [number[], number[]], lips: number[]): number[] {
    const points = new Array(2 * count).fill(0);
    const put = (indices: number[], x: number, y: number) => {
      for (const i of indices) points.splice(2 * i, 2, x, y);
    };
    put(eyes[0], 30, 40);
    put(eyes[1], 70, 44);
    put(lips, 52, 90);
    return points;
  }

  it('reads the eye and mouth points of each layout', () => {
    const cases: [number, [number[], number[]], number[]][] = [
      [
        106,
        [
          [33, 35, 40, 39],
          [87, 89, 94, 93],
        ],
        [52, 61],
      ],
      [
        203,
        [
          [0, 6, 12, 18],
          [24, 30, 36, 42],
        ],
        [48, 66],
      ],
      [
        101,
        [
          [39, 42, 45, 48],
          [51, 54, 57, 60],
        ],
        [75, 81],
      ],
      [
        150,
        [
          [39, 42, 45, 48],
          [51, 54, 57, 60],
        ],
        [75, 81],
      ],
      [
        68,
        [
          [36, 39],
          [42, 45],
        ],
        [48, 54],
      ],
      [5, [[0], [1]], [3, 4]],
      [
        9,
        [
          [0, 1],
          [2, 3],
        ],
        [5, 6],
      ],
    ];
    for (const [count, eyes, lips] of cases) {
      const { eye, lip } = landmarkAnchors(layout(count, eyes, lips));
      expect([eye[0], eye[1], lip[0], lip[1]], `${count} points`).toEqual([50, 42, 52, 90]);
    }
  });

  it('rejects unknown layouts and non-finite points', () => {
    expect(() => landmarkAnchors(new Array(20).fill(1))).toThrow(/10 points is not a known layout/);
    expect(() => landmarkAnchors([...upright.slice(0, 9), Number.NaN])).toThrow(/NaN/);
  });
});
