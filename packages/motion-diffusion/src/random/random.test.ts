import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createSeededNoise, type NoiseSource, resolveNoise } from './noise-source.js';
import { mulHigh32, philox4x32 } from './philox.js';
import { portableLog } from './portable-log.js';

const hex = (words: Uint32Array) => [...words].map((w) => w.toString(16).padStart(8, '0'));

describe('philox4x32', () => {
  it("reproduces Random123's known-answer vectors", () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toEqual([
      '408f276d',
      '41c83b0e',
      'a20bc7c6',
      '6d5451fd',
    ]);
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('computes the high word of 32×32-bit products exactly', () => {
    let a = 0x12345678;
    for (let i = 0; i < 2000; i++) {
      a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
      const b = (a ^ (a >>> 7) ^ 0xdeadbeef) >>> 0;
      expect(mulHigh32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
    expect(mulHigh32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
  });
});

describe('portableLog', () => {
  it('agrees with Math.log to about an ulp over many magnitudes', () => {
    for (const x of [1, 2, 0.5, Math.SQRT2, 1e-300, 5e-324, 3.7e-19, 0.999999, 1.000001, 12345.678, 1e300]) {
      expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(
        4e-16 * Math.max(1, Math.abs(Math.log(x))),
      );
    }
    for (let k = 1; k < 5000; k++) {
      const x = k / 5000;
      expect(Math.abs(portableLog(x) - Math.log(x))).toBeLessThanOrEqual(
        4e-16 * Math.max(1, Math.abs(Math.log(x))),
      );
    }
    expect(portableLog(0)).toBeNaN();
    expect(portableLog(-1)).toBeNaN();
  });
});

describe('createSeededNoise', () => {
  it('turns Philox words into polar Box–Muller normals', () => {
    const draw = createSeededNoise(7)([12], 3);
    const expected: number[] = [];
    for (let counter = 0; expected.length < 12; counter++) {
      const words = philox4x32([counter, 3, 0, 0], [7, 0]);
      for (const pair of [0, 1]) {
        const u = ((words[2 * pair]! + 0.5) / 2 ** 32) * 2 - 1;
        const v = ((words[2 * pair + 1]! + 0.5) / 2 ** 32) * 2 - 1;
        const s = u * u + v * v;
        if (s >= 1) continue;
        expected.push(u * Math.sqrt((-2 * Math.log(s)) / s), v * Math.sqrt((-2 * Math.log(s)) / s));
      }
    }
    for (let i = 0; i < 12; i++) expect(draw[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('is standard normal in distribution', () => {
    const values = createSeededNoise(2024)([200_000], 1);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    const tail = values.filter((v) => Math.abs(v) > 1.96).length / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    expect(Math.abs(tail - 0.05)).toBeLessThan(0.005);
  });

  it('repeats for a seed, differs across seeds and draws, and regenerates any draw alone', () => {
    const noise = createSeededNoise(42);
    expect(noise([3, 70], 5)).toEqual(createSeededNoise(42)([3, 70], 5));
    expect(noise([3, 70], 5)).not.toEqual(noise([3, 70], 6));
    expect(noise([3, 70], 5)).not.toEqual(createSeededNoise(43)([3, 70], 5));
    expect(createSeededNoise(2 ** 40)([4], 1)).not.toEqual(createSeededNoise(0)([4], 1));
    // A prefix of a longer draw: elements depend only on (seed, draw, position).
    expect(noise([10], 2)).toEqual(noise([100], 2).slice(0, 10));
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects seed %s', (seed) => {
    expect(() => createSeededNoise(seed)).toThrow(InvalidInputError);
  });

  it('rejects draw indices below 1', () => {
    expect(() => createSeededNoise(1)([2], 0)).toThrow(InvalidInputError);
  });

  it('refuses injected noise that is not a function, naming options.noise', () => {
    const notNoise = new Float32Array(4) as unknown as NoiseSource;
    expect(() => resolveNoise({ noise: notNoise })).toThrow(/options\.noise: must be a function/);
    expect(resolveNoise({ noise: () => new Float32Array(2) }).seed).toBeUndefined();
  });
});
