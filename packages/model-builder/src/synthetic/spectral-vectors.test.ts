import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { spectralNormWeight } from '../weights/reparametrizations.js';
import { spectralVectors } from './spectral-vectors.js';

describe('spectralVectors', () => {
  it('finds the top singular pair of a matrix with a known spectrum', () => {
    // W = 5·a bᵀ + 1·c dᵀ with orthonormal a ⟂ c and b ⟂ d: σ_max = 5, u = ±a, v = ±b.
    const a = [0.6, 0.8, 0];
    const c = [0.8, -0.6, 0];
    const b = [0, 0, 1, 0];
    const d = [1, 0, 0, 0];
    const data = new Float32Array(12);
    for (let r = 0; r < 3; r++)
      for (let k = 0; k < 4; k++) data[r * 4 + k] = 5 * a[r]! * b[k]! + c[r]! * d[k]!;
    const weight = createTensor('float32', [3, 4], data);
    const { u, v } = spectralVectors(weight);
    const sign = Math.sign(u.data[0]!);
    expect(Array.from(u.data, (x) => x * sign)).toEqual(a.map((x) => expect.closeTo(x, 6)));
    expect(Array.from(v.data, (x) => x * sign)).toEqual(b.map((x) => expect.closeTo(x, 6)));
    // Baking with these vectors divides by σ_max.
    const baked = spectralNormWeight(weight, u, v);
    expect(baked.data[2]).toBeCloseTo(data[2]! / 5, 6);
  });
});
