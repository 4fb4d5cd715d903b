import { graphIo } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { chineseHubertBaseConfig, type HubertConfig, validateHubertConfig } from './hubert-config.js';
import { hubertFeatureExtractor, hubertFeatureProjection } from './hubert-feature-encoder.js';
import { hubertTransformer } from './hubert-transformer.js';
import { joyvasaPadAudio } from './joyvasa-pad-audio.js';

/** Intermediate values a HuBERT graph can also output, for golden parity and debugging. */
export type HubertDebugOutput = 'conv_features' | 'last_hidden_state' | 'padded_audio';

/** Options of {@link buildHubertEncoder}. */
export interface HubertEncoderOptions {
  /**
   * Apply JoyVASA's `pad_audio` (reflect 20 samples on both sides, twice) inside the graph. Default true.
   * False when the input is already padded, as the golden `audio_padded.npy` is.
   */
  readonly includePadding?: boolean;
  /**
   * Extra outputs besides `features`: `conv_features` [batch, convDim.at(-1), frames50] (the CNN output),
   * `last_hidden_state` [batch, frames50, hiddenSize] (50 fps), `padded_audio` [batch, paddedSamples].
   * Default none.
   */
  readonly debugOutputs?: readonly HubertDebugOutput[];
}

/**
 * Builds the JoyVASA audio encoder as one ONNX graph: optional `pad_audio`, CNN feature extractor, feature
 * projection, positional convolution, transformer encoder, then 50 → 25 fps by averaging frames 2k and
 * 2k+1 (exactly `F.interpolate(linear, align_corners=False)` to half the length).
 *
 * Serves HuBERT and wav2vec2 alike (same function in eval). Keys are the `HubertModel` / `Wav2Vec2Model`
 * state-dict keys without prefix: pass `prefixedSource(source, 'audio_encoder.')` for the JoyVASA checkpoint
 * or `prefixedSource(source, 'wav2vec2.')` for a `Wav2Vec2ForCTC` file.
 *
 * Graph: `audio` [batch, samples] float32, 16 kHz mono in [-1, 1], samples a positive multiple of 640
 * (one 25 fps frame) → `features` [batch, samples / 640, hiddenSize] float32. With `includePadding: false`
 * the input is the padded window (samples + 80).
 */
export function buildHubertEncoder(
  weights: WeightSource,
  config: HubertConfig = chineseHubertBaseConfig,
  options: HubertEncoderOptions = {},
): GraphBuilder {
  validateHubertConfig(config);
  const debug = new Set(options.debugOutputs ?? []);
  const hidden = config.hiddenSize;
  const g = new GraphBuilder(config.name);
  const audio = g.input(graphIo.audioEncoder.inputs.audio, 'float32', ['batch', 'samples']);
  const padded =
    (options.includePadding ?? true) ? g.scope('pad_audio', () => joyvasaPadAudio(g, audio)) : audio;
  const convFeatures = hubertFeatureExtractor(g, weights, config, padded);
  const projected = hubertFeatureProjection(g, weights, config, convFeatures);
  const lastHidden = hubertTransformer(g, weights, config, projected);
  const features = g.scope('resample_25fps', () =>
    g.reduceMean(g.reshape(lastHidden, [0, -1, 2, hidden]), [2], false),
  );

  g.output(features, graphIo.audioEncoder.outputs.features, 'float32', ['batch', 'frames', hidden]);
  if (debug.has('conv_features')) {
    g.output(convFeatures, 'conv_features', 'float32', ['batch', config.convDim.at(-1)!, 'frames50']);
  }
  if (debug.has('last_hidden_state')) {
    g.output(lastHidden, 'last_hidden_state', 'float32', ['batch', 'frames50', hidden]);
  }
  if (debug.has('padded_audio')) g.output(padded, 'padded_audio', 'float32', ['batch', 'padded_samples']);
  return g;
}
