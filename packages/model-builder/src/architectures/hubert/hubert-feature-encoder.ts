import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { conv, layerNorm, linear } from '../layers.js';
import type { HubertConfig } from './hubert-config.js';

/**
 * The CNN feature extractor (`feature_extractor.conv_layers.*`): convolutions without bias, each followed
 * by exact GELU; the first one also by a GroupNorm with one group per channel (eps 1e-5, PyTorch's
 * default, not the config's), which is InstanceNormalization with the GroupNorm's affine weights.
 * `audio` [batch, samples] → [batch, convDim.at(-1), frames] at 50 frames per second of 16 kHz audio.
 */
export function hubertFeatureExtractor(
  g: GraphBuilder,
  weights: WeightSource,
  config: HubertConfig,
  audio: string,
): string {
  return g.scope('feature_extractor', () => {
    let h = g.unsqueeze(audio, [1]);
    let inChannels = 1;
    config.convDim.forEach((outChannels, i) => {
      const prefix = `feature_extractor.conv_layers.${i}`;
      h = conv(g, weights, `${prefix}.conv`, h, {
        inChannels,
        outChannels,
        kernel: [config.convKernel[i]!],
        stride: config.convStride[i]!,
        bias: false,
      });
      if (i === 0) {
        const scale = g.initializer(
          weights.get(`${prefix}.layer_norm.weight`, [outChannels]),
          `${prefix}.layer_norm.weight`,
        );
        const bias = g.initializer(
          weights.get(`${prefix}.layer_norm.bias`, [outChannels]),
          `${prefix}.layer_norm.bias`,
        );
        h = g.op('InstanceNormalization', [h, scale, bias], { epsilon: { float: 1e-5 } });
      }
      h = g.gelu(h);
      inChannels = outChannels;
    });
    return h;
  });
}

/**
 * The feature projection (`feature_projection.*`): optional LayerNorm over the CNN channels, then
 * Linear(convDim.at(-1) → hiddenSize). `features` [batch, channels, frames] → [batch, frames, hiddenSize].
 */
export function hubertFeatureProjection(
  g: GraphBuilder,
  weights: WeightSource,
  config: HubertConfig,
  features: string,
): string {
  return g.scope('feature_projection', () => {
    const channels = config.convDim.at(-1)!;
    let h = g.transpose(features, [0, 2, 1]);
    if (config.featProjLayerNorm) {
      h = layerNorm(g, weights, 'feature_projection.layer_norm', h, channels, config.layerNormEps);
    }
    return linear(g, weights, 'feature_projection.projection', h, channels, config.hiddenSize);
  });
}
