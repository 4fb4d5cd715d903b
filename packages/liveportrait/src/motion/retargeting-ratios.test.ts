import type { Float32Tensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { computeLipDelta, eyeCloseRatios, eyeRetargetingInput, lipCloseRatio } from './retargeting-ratios.js';
import { applyStitchingDelta, stitchingInput } from './stitching.js';

function landmarks(pairs: Record<number, [number, number]>): Float32Array {
  const points = new Float32Array(406);
  for (const [index, [x, y]] of Object.entries(pairs)) points.set([x, y], 2 * Number(index));
  return points;
}

describe('eye and lip ratios', () => {
  const lmk = landmarks({
    0: [10, 10],
    12: [14, 10],
    6: [12, 9],
    18: [12, 11],
    24: [30, 10],
    36: [36, 10],
    30: [33, 9.5],
    42: [33, 10.5],
    48: [20, 30],
    66: [25, 30],
    90: [22, 29],
    102: [22, 30],
  });

  it('divide the opening by the width with 1e-6 in the denominator', () => {
    const [left, right] = eyeCloseRatios(lmk);
    expect(left).toBeCloseTo(2 / (4 + 1e-6), 12);
    expect(right).toBeCloseTo(1 / (6 + 1e-6), 12);
    expect(lipCloseRatio(lmk)).toBeCloseTo(1 / (5 + 1e-6), 12);
    expect(lipCloseRatio(new Float32Array(406))).toBe(0); // all points equal: 0 / 1e-6
    expect(() => lipCloseRatio(new Float32Array(212))).toThrow(/406 values/);
  });

  it('build the lip delta only above the threshold, from [x_s, c_lip, 0]', async () => {
    const xs = Float32Array.from({ length: 63 }, (_, i) => i / 100);
    const seen: Float32Tensor[] = [];
    const lip = async (input: Float32Tensor) => {
      seen.push(input);
      return {
        type: 'float32' as const,
        dims: [1, 63],
        data: Float32Array.from(input.data.subarray(0, 63), (v) => -v),
      };
    };
    const delta = await computeLipDelta(xs, lmk, lip);
    expect(seen[0]!.dims).toEqual([1, 65]);
    expect(seen[0]!.data[63]).toBeCloseTo(0.2, 6);
    expect(seen[0]!.data[64]).toBe(0);
    expect(Array.from(delta!)).toEqual(Array.from(xs, (v) => -v));
    const closed = landmarks({ 48: [20, 30], 66: [25, 30], 90: [22, 29.9], 102: [22, 30] });
    expect(await computeLipDelta(xs, closed, lip)).toBeNull();
    expect(seen).toHaveLength(1);
    // A locator's lip ratio stands for the 203 landmarks.
    expect(await computeLipDelta(xs, 0.01, lip)).toBeNull();
    expect(Array.from((await computeLipDelta(xs, 0.2, lip))!)).toEqual(Array.from(delta!));
    expect(seen[1]!.data[63]).toBeCloseTo(0.2, 6);
    expect(Array.from(eyeRetargetingInput(xs, [0.3, 0.4], 0.5).subarray(63))).toEqual(
      [0.3, 0.4, 0.5].map(Math.fround),
    );
  });
});

describe('stitching delta', () => {
  it('adds 63 offsets and then (dx, dy) to every point', () => {
    const driving = Float32Array.from({ length: 63 }, (_, i) => i);
    const delta = new Float32Array(65).fill(1);
    delta[63] = 10;
    delta[64] = 20;
    const out = applyStitchingDelta(driving, delta);
    expect(Array.from(out.subarray(0, 6))).toEqual([11, 22, 3, 14, 25, 6]);
    expect(Array.from(stitchingInput(driving, driving).subarray(62, 64))).toEqual([62, 0]);
    expect(() => applyStitchingDelta(driving, new Float32Array(63))).toThrow(/65 deltas/);
  });
});
