import { createTensor, InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { applyGuidance, assertCfgScale } from './guidance.js';

describe('applyGuidance', () => {
  // Output [2, 3 context + 4 window, 2]: entry 0 unconditional, entry 1 conditional.
  const data = Float32Array.from({ length: 28 }, (_, i) => Math.sin(i) * 2);
  const output = createTensor('float32', [2, 7, 2], data);

  it('is u + s·(c − u) over the window frames only', () => {
    const guided = applyGuidance(output, 2.8, 4);
    expect(guided).toHaveLength(8);
    for (let i = 0; i < 8; i++) {
      const [u, c] = [data[6 + i]!, data[14 + 6 + i]!];
      expect(guided[i]).toBeCloseTo(u + 2.8 * (c - u), 6);
    }
    const unconditional = applyGuidance(output, 0, 4);
    expect([...unconditional]).toEqual([...data.subarray(6, 14)]);
    const conditional = applyGuidance(output, 1, 4);
    for (let i = 0; i < 8; i++) expect(conditional[i]).toBeCloseTo(data[20 + i]!, 6);
  });

  it('passes a single (conditional) entry through', () => {
    const single = createTensor('float32', [1, 7, 2], data.slice(14));
    expect([...applyGuidance(single, 2.8, 4)]).toEqual([...data.subarray(20, 28)]);
    expect(() => applyGuidance(createTensor('float32', [3, 2, 2], new Float32Array(12)), 2, 1)).toThrow(
      InvalidInputError,
    );
  });

  it.each([Number.NaN, -0.5, Number.POSITIVE_INFINITY])('rejects scale %s', (scale) => {
    expect(() => assertCfgScale(scale)).toThrow(InvalidInputError);
  });
});
