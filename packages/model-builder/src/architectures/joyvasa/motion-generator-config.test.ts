import { type DenoiserConfig, InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import {
  countDenoiserLayers,
  motionGeneratorConfig,
  motionGeneratorConfigFromArgs,
  releasedMotionGeneratorConfig,
} from './motion-generator-config.js';

function layerKeys(layers: readonly number[]): string[] {
  return layers.flatMap((i) => [
    `denoising_net.transformer.layers.${i}.self_attn.in_proj_weight`,
    `denoising_net.transformer.layers.${i}.norm3.bias`,
  ]);
}

const releasedArgs = {
  feature_dim: 256,
  n_motions: 100,
  n_prev_motions: 25,
  motion_feat_dim: 70,
  n_diff_steps: 50,
  fps: 25,
  pad_mode: 'zero',
  audio_model: 'hubert_zh_ori',
  data_root: '/data',
};

describe('motionGeneratorConfigFromArgs', () => {
  it('reads the released args and counts 8 layers from the keys', () => {
    const keys = [
      'start_motion_feat',
      ...layerKeys([0, 1, 2, 3, 4, 5, 6, 7]),
      'denoising_net.motion_dec.0.weight',
    ];
    expect(motionGeneratorConfigFromArgs(releasedArgs, keys)).toEqual(releasedMotionGeneratorConfig);
  });

  it('takes the layer count from the keys, never from args.n_layers', () => {
    const config = motionGeneratorConfigFromArgs({ ...releasedArgs, n_layers: 6 }, layerKeys([0, 1, 2]));
    expect(config.layers).toBe(3);
  });

  it('reads other sizes from args and falls back to the released values for missing ones', () => {
    const config = motionGeneratorConfigFromArgs(
      { feature_dim: 512, n_prev_motions: 10, n_diff_steps: 500, pad_mode: 'replicate' },
      layerKeys([0, 1, 2, 3, 4, 5]),
    );
    expect(config).toMatchObject({
      modelDim: 512,
      contextFrames: 10,
      diffusionSteps: 500,
      padMode: 'replicate',
    });
    expect(config.windowFrames).toBe(100);
    // The same object is the denoiser's config: its sizes under the same names.
    const denoiserConfig: DenoiserConfig = config;
    expect(denoiserConfig).toMatchObject({
      motionDim: 70,
      modelDim: 512,
      windowFrames: 100,
      contextFrames: 10,
      diffusionSteps: 500,
    });
  });

  it.each([
    [{ feature_dim: 250 }, 'config.modelDim'],
    [{ feature_dim: Number.NaN }, 'config.modelDim'],
    [{ n_motions: 0 }, 'config.windowFrames'],
    [{ n_motions: 580 }, 'config.windowFrames'],
    [{ n_diff_steps: 2.5 }, 'config.diffusionSteps'],
    [{ pad_mode: 'reflect' }, 'config.padMode'],
    [{ fps: '25' }, 'args.fps'],
  ])('rejects %o', (args, input) => {
    const error = (() => {
      try {
        motionGeneratorConfigFromArgs({ ...releasedArgs, ...args }, layerKeys([0]));
      } catch (caught) {
        return caught;
      }
    })();
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect((error as InvalidInputError).input).toBe(input);
  });
});

describe('countDenoiserLayers', () => {
  it('throws when no layer key is present or indices have gaps', () => {
    expect(() => countDenoiserLayers(['start_motion_feat'])).toThrow(/no denoising_net.transformer.layers/);
    expect(() => countDenoiserLayers(layerKeys([0, 1, 3]))).toThrow(/layers 2 are missing/);
  });

  it('ignores keys of other modules that look alike', () => {
    expect(
      countDenoiserLayers([...layerKeys([0, 1]), 'audio_encoder.encoder.layers.11.layer_norm.bias']),
    ).toBe(2);
  });
});

describe('motionGeneratorConfig', () => {
  it('builds tiny configs and rejects heads that do not divide the width', () => {
    expect(motionGeneratorConfig({ modelDim: 16, heads: 2, layers: 1 }).modelDim).toBe(16);
    expect(() => motionGeneratorConfig({ modelDim: 18, heads: 4 })).toThrow(InvalidInputError);
  });
});
