import type { DenoiserConfig } from '@joyvasa/core';
import { createTensor, InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { applyGuidance, assertCfgScale, createClassifierFreeGuidance } from './classifier-free-guidance.js';

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

  it('accepts 0 to 20, the one rule the pipeline and the CLI apply too', () => {
    expect(() => assertCfgScale(0)).not.toThrow();
    expect(() => assertCfgScale(20)).not.toThrow();
    expect(() => assertCfgScale(20.5)).toThrow(/must be a number from 0 to 20, got 20.5/);
  });
});

describe('createClassifierFreeGuidance', () => {
  const config = { windowFrames: 2, contextFrames: 1, motionDim: 3, modelDim: 2 } as DenoiserConfig;
  const state = {
    sample: Float32Array.of(1, 2, 3, 4, 5, 6),
    timestep: 7,
    audio: Float32Array.of(0.1, 0.2, 0.3, 0.4),
    previousMotion: Float32Array.of(8, 9, 10),
    previousAudio: Float32Array.of(0.5, 0.6),
  };
  const nullAudio = Float32Array.of(-1, -2);

  it('batches the unconditional entry (null audio over the window) before the conditional one', () => {
    const input = createClassifierFreeGuidance(config, nullAudio, 2.5).batch(state);
    expect(input.audio.dims).toEqual([2, 2, 2]);
    expect([...input.audio.data]).toEqual([-1, -2, -1, -2, ...state.audio]);
    expect([...input.sample.data]).toEqual([...state.sample, ...state.sample]);
    expect([...input.timestep.data]).toEqual([7n, 7n]);
    expect([...input.previousMotion.data]).toEqual([...state.previousMotion, ...state.previousMotion]);
    expect([...input.previousAudio.data]).toEqual([...state.previousAudio, ...state.previousAudio]);
  });

  it('runs only the conditional entry at scale 1, and combines as applyGuidance does', () => {
    const input = createClassifierFreeGuidance(config, nullAudio, 1).batch(state);
    expect(input.audio.dims).toEqual([1, 2, 2]);
    expect([...input.audio.data]).toEqual([...state.audio]);
    const output = createTensor(
      'float32',
      [2, 3, 3],
      Float32Array.from({ length: 18 }, (_, i) => i * 0.5),
    );
    const guidance = createClassifierFreeGuidance(config, nullAudio, 2.5);
    expect(guidance.combine(output)).toEqual(applyGuidance(output, 2.5, 2));
    expect(() => createClassifierFreeGuidance(config, nullAudio, -1)).toThrow(InvalidInputError);
  });
});
