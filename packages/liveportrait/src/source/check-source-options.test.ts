import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { assertSourceOptions } from './check-source-options.js';

describe('assertSourceOptions', () => {
  it('accepts the defaults, an empty set and the ends of each range', () => {
    expect(() => assertSourceOptions({})).not.toThrow();
    expect(() =>
      assertSourceOptions({
        cropScale: 10,
        cropOffsetY: -1,
        detectionThreshold: 0,
        sourceMaxDim: 0,
        sourceDivision: 64,
        cropRotation: false,
        drivingOption: 'pose-friendly',
        drivingMultiplier: 3,
        region: 'lip',
        faceBox: [1, 2, 3, 4],
        faceKeypoints: new Array(18).fill(5),
      }),
    ).not.toThrow();
  });

  it.each<[string, Parameters<typeof assertSourceOptions>[0], RegExp]>([
    ['options.cropScale', { cropScale: 0.4 }, /a number from 0.5 to 10, got 0.4/],
    ['options.cropOffsetY', { cropOffsetY: Number.NaN }, /from -1 to 1, got NaN/],
    ['options.detectionThreshold', { detectionThreshold: 1.5 }, /from 0 to 1/],
    ['options.sourceMaxDim', { sourceMaxDim: 1.5 }, /a whole number from 0 to 16384/],
    ['options.sourceDivision', { sourceDivision: 0 }, /a whole number from 1 to 64/],
    ['options.cropRotation', { cropRotation: 'yes' as unknown as boolean }, /true or false, got yes/],
    ['options.drivingOption', { drivingOption: 'both' as 'pose-friendly' }, /'expression-friendly' or/],
    ['options.drivingMultiplier', { drivingMultiplier: 3.5 }, /from 0 to 3, got 3.5/],
    ['options.region', { region: 'face' as 'all' }, /must be all, exp, pose, lip, eyes, got face/],
    ['options.faceBox', { faceBox: [80, 80, 20, 20] }, /x2 > x1/],
    ['options.faceKeypoints', { faceKeypoints: [1, 2, 3] }, /18 finite numbers, got 3/],
  ])('refuses a bad %s, naming it', (input, options, message) => {
    let thrown: unknown;
    try {
      assertSourceOptions(options);
    } catch (error) {
      thrown = error;
    }
    expect(InvalidInputError.isInstance(thrown)).toBe(true);
    expect((thrown as InvalidInputError).input).toBe(input);
    expect((thrown as Error).message).toMatch(message);
  });
});
