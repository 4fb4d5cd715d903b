import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { invertAffine, multiplyAffine, toMatrix3, transformPoints } from './affine.js';

describe('affine matrices', () => {
  it('invert a rotation-scale-translation exactly enough to round-trip points', () => {
    const a = 0.3;
    const m = [2 * Math.cos(a), 2 * Math.sin(a), 10, -2 * Math.sin(a), 2 * Math.cos(a), -4];
    const inverse = invertAffine('m', m);
    const points = [0, 0, 100, 50, -3.5, 7.25];
    const back = transformPoints(transformPoints(points, m), inverse);
    back.forEach((v, i) => {
      expect(v).toBeCloseTo(points[i]!, 4);
    });
    const identity = multiplyAffine(m, inverse);
    expect(Array.from(identity).map((v) => Math.round(v * 1e9) / 1e9 + 0)).toEqual([
      1, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
  });

  it('compose right-first', () => {
    const scale = [2, 0, 0, 0, 3, 0];
    const shift = [1, 0, 5, 0, 1, 7];
    // shift after scale: (x, y) -> (2x + 5, 3y + 7)
    expect(Array.from(transformPoints([1, 1], multiplyAffine(shift, scale)))).toEqual([7, 10]);
    expect(Array.from(transformPoints([1, 1], multiplyAffine(scale, shift)))).toEqual([12, 24]);
  });

  it('reject singular, non-affine and malformed matrices', () => {
    expect(() => invertAffine('m', [1, 2, 0, 2, 4, 0])).toThrow(/singular/);
    expect(() => toMatrix3('m', [1, 0, 0, 0, 1, 0, 0.5, 0, 1])).toThrow(/last row/);
    expect(() => toMatrix3('m', [1, 0, 0, 0, 1])).toThrow(InvalidInputError);
    expect(() => toMatrix3('m', [1, 0, Number.NaN, 0, 1, 0])).toThrow(/NaN/);
    expect(() => transformPoints([1, 2, 3], [1, 0, 0, 0, 1, 0])).toThrow(/pairs/);
  });
});
