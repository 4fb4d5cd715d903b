import { describe, expect, it } from 'vitest';
import { headPoseToDegrees } from './head-pose.js';
import { rotationMatrix } from './rotation-matrix.js';

describe('head pose', () => {
  it('is the softmax expectation of 3° bins from −97.5°', () => {
    const peaked = new Float32Array(66).fill(-50);
    peaked[40] = 50;
    expect(headPoseToDegrees(peaked)).toBeCloseTo(3 * 40 - 97.5, 10);
    expect(headPoseToDegrees(new Float32Array(66))).toBeCloseTo(0, 10); // uniform: mean bin 32.5
    const two = new Float32Array(66).fill(-1e4);
    two[10] = 2;
    two[11] = 2;
    expect(headPoseToDegrees(two)).toBeCloseTo(3 * 10.5 - 97.5, 10);
    // Softmax is shift invariant, and huge logits must not overflow.
    expect(headPoseToDegrees(two.map((v) => v + 1000))).toBeCloseTo(headPoseToDegrees(two), 10);
  });

  it('reads from an offset and rejects short or NaN input', () => {
    const batch = new Float32Array(132);
    batch[66 + 5] = 30;
    expect(headPoseToDegrees(batch, 66)).toBeCloseTo(15 - 97.5, 6);
    expect(() => headPoseToDegrees(new Float32Array(65))).toThrow(/66 values/);
    expect(() => headPoseToDegrees(new Float32Array(66).fill(Number.NaN))).toThrow(InvalidInputErrorLike);
  });
});

const InvalidInputErrorLike = /Invalid head-pose logits/;

describe('rotationMatrix', () => {
  const multiply = (a: number[][], b: number[][]) =>
    a.map((row) => b[0]!.map((_, j) => row.reduce((sum, v, k) => sum + v * b[k]![j]!, 0)));

  it('is (Rz Ry Rx)ᵀ with pitch about x, yaw about y, roll about z', () => {
    const [p, y, r] = [10, -25, 40].map((d) => (d * Math.PI) / 180) as [number, number, number];
    const rx = [
      [1, 0, 0],
      [0, Math.cos(p), -Math.sin(p)],
      [0, Math.sin(p), Math.cos(p)],
    ];
    const ry = [
      [Math.cos(y), 0, Math.sin(y)],
      [0, 1, 0],
      [-Math.sin(y), 0, Math.cos(y)],
    ];
    const rz = [
      [Math.cos(r), -Math.sin(r), 0],
      [Math.sin(r), Math.cos(r), 0],
      [0, 0, 1],
    ];
    const m = multiply(multiply(rz, ry), rx);
    const expected = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => m[j]![i]!));
    const actual = rotationMatrix(10, -25, 40, new Float64Array(9));
    expected.forEach((v, i) => {
      expect(actual[i]).toBeCloseTo(v, 14);
    });
  });

  it('is orthonormal, the identity at rest, and a quarter turn at 90° yaw', () => {
    expect(Array.from(rotationMatrix(0, 0, 0), (v) => v + 0)).toEqual(
      [1, 0, 0, -0, 1, 0, 0, -0, 1].map((v) => v + 0),
    );
    const r = rotationMatrix(0, 90, 0, new Float64Array(9));
    // Row point (1, 0, 0) · R = first row of R = (cos, 0, −sin)ᵀ transposed: (0, 0, −1).
    expect(Array.from(r.subarray(0, 3)).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([0, 0, -1]);
    const q = rotationMatrix(33, -71, 12, new Float64Array(9));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const d = q[3 * i]! * q[3 * j]! + q[3 * i + 1]! * q[3 * j + 1]! + q[3 * i + 2]! * q[3 * j + 2]!;
        expect(d).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(() => rotationMatrix(Number.NaN, 0, 0)).toThrow(/finite/);
  });
});
