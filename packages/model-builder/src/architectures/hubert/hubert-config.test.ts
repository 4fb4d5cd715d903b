import { InvalidInputError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import {
  checkHubertLayerKeys,
  chineseHubertBaseConfig,
  hubertConfigFromJson,
  hubertFrameCount,
  wav2vec2Base960hConfig,
} from './hubert-config.js';

/** The fields of chinese-hubert-base's config.json that the graph reads, as transformers writes them. */
const hubertJson = {
  _name_or_path: 'TencentGameMate/chinese-hubert-base',
  model_type: 'hubert',
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-5,
  feat_extract_norm: 'group',
  feat_extract_activation: 'gelu',
  feat_proj_layer_norm: true,
  conv_dim: [512, 512, 512, 512, 512, 512, 512],
  conv_kernel: [10, 3, 3, 3, 3, 2, 2],
  conv_stride: [5, 2, 2, 2, 2, 2, 2],
  conv_bias: false,
  num_conv_pos_embeddings: 128,
  num_conv_pos_embedding_groups: 16,
  do_stable_layer_norm: false,
};

describe('hubertConfigFromJson', () => {
  it('reads chinese-hubert-base into the built-in config', () => {
    const { name, ...sizes } = hubertConfigFromJson(hubertJson);
    const { name: builtinName, ...builtin } = chineseHubertBaseConfig;
    expect(sizes).toEqual(builtin);
    expect(name).toBe('TencentGameMate/chinese-hubert-base');
    expect(builtinName).toBe('chinese-hubert-base');
  });

  it('reads a wav2vec2 config, whose projection LayerNorm is implicit, and takes the name given', () => {
    const { feat_proj_layer_norm: _, ...json } = hubertJson;
    const config = hubertConfigFromJson({ ...json, model_type: 'wav2vec2' }, 'w2v');
    expect(config).toEqual({ ...wav2vec2Base960hConfig, name: 'w2v' });
  });

  it('honours feat_proj_layer_norm false and a custom epsilon', () => {
    const config = hubertConfigFromJson({ ...hubertJson, feat_proj_layer_norm: false, layer_norm_eps: 1e-6 });
    expect(config.featProjLayerNorm).toBe(false);
    expect(config.layerNormEps).toBe(1e-6);
  });

  const unsupported: [string, Record<string, unknown>][] = [
    ['feat_extract_norm', { feat_extract_norm: 'layer' }],
    ['do_stable_layer_norm', { do_stable_layer_norm: true }],
    ['conv_bias', { conv_bias: true }],
    ['hidden_act', { hidden_act: 'gelu_new' }],
    ['feat_extract_activation', { feat_extract_activation: 'relu' }],
    ['conv_pos_batch_norm', { conv_pos_batch_norm: true }],
    ['model_type', { model_type: 'data2vec-audio' }],
    ['conv_dim', { conv_kernel: [10, 3] }],
    ['num_attention_heads', { num_attention_heads: 10 }],
    ['num_conv_pos_embedding_groups', { num_conv_pos_embedding_groups: 7 }],
    ['hidden_size', { hidden_size: 0 }],
    ['num_hidden_layers', { num_hidden_layers: 100_000_000 }],
    ['hidden_size', { hidden_size: 1e9 }],
    ['intermediate_size', { intermediate_size: 2 ** 40 }],
    ['conv_dim', { conv_dim: new Array(1000).fill(512) }],
  ];
  for (const [field, change] of unsupported) {
    it(`rejects ${field} = ${JSON.stringify(Object.values(change)[0])} with InvalidInputError naming it`, () => {
      let caught: unknown;
      try {
        hubertConfigFromJson({ ...hubertJson, ...change });
      } catch (error) {
        caught = error;
      }
      expect(InvalidInputError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toContain(field);
    });
  }

  it('names a layer count the weights do not have, before any graph is built', () => {
    const keys = ['x.encoder.layers.0.attention.k_proj.weight', 'x.encoder.layers.1.fc.bias', 'x.other'];
    expect(() =>
      checkHubertLayerKeys({ ...chineseHubertBaseConfig, numHiddenLayers: 2 }, keys, 'x.'),
    ).not.toThrow();
    expect(() => checkHubertLayerKeys(chineseHubertBaseConfig, keys, 'x.')).toThrow(
      'the config declares 12 layers but the weights hold 2 (x.encoder.layers.*)',
    );
  });

  it('rejects something that is not a config object', () => {
    expect(() => hubertConfigFromJson([1, 2])).toThrow(/Hugging Face config.json/);
  });
});

describe('hubertFrameCount', () => {
  it('gives 200 frames for the padded 4-second window and 2 per 640 samples in general', () => {
    expect(hubertFrameCount(chineseHubertBaseConfig, 64080)).toBe(200);
    for (const frames of [1, 2, 7, 100, 250]) {
      expect(hubertFrameCount(chineseHubertBaseConfig, frames * 640 + 80)).toBe(2 * frames);
    }
    expect(hubertFrameCount(chineseHubertBaseConfig, 9)).toBe(0);
  });
});
