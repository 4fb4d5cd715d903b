import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { padBatch, takeFrames } from './fixed-batch.js';

const keypoints = createTensor('float32', [3, 2, 1], Float32Array.from([1, 2, 3, 4, 5, 6]));

describe('padBatch and takeFrames', () => {
  it('repeats the last frame up to the batch, and takes the real frames back', () => {
    const padded = padBatch(keypoints, 5);
    expect(padded.dims).toEqual([5, 2, 1]);
    expect(Array.from(padded.data)).toEqual([1, 2, 3, 4, 5, 6, 5, 6, 5, 6]);
    expect(padded.data).toBeInstanceOf(Float32Array);
    const real = takeFrames(padded, 3);
    expect(real.dims).toEqual([3, 2, 1]);
    expect(Array.from(real.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns a full batch as it is', () => {
    expect(padBatch(keypoints, 3)).toBe(keypoints);
    expect(takeFrames(keypoints, 3)).toBe(keypoints);
  });

  it('refuses frames that do not fit', () => {
    expect(() => padBatch(keypoints, 2)).toThrow('padBatch: 3 frames do not fit a batch of 2');
    expect(() => takeFrames(keypoints, 4)).toThrow('takeFrames: cannot take 4 of 3 frames');
    expect(() => takeFrames(keypoints, 0)).toThrow(RangeError);
  });
});
