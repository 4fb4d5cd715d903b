import { graphIo } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { conv } from '../layers.js';
import { convNormAct, downBlock, resBlock3d } from './conv-blocks.js';
import { batchNormEntries, convEntries, type StateDictEntry } from './state-dict-entries.js';

/** Constructor arguments of LivePortrait's AppearanceFeatureExtractor (F), plus the input size. */
export interface AppearanceFeatureExtractorConfig {
  readonly imageChannel: number;
  readonly blockExpansion: number;
  readonly numDownBlocks: number;
  /** Channels after `second`; must equal `reshapeChannel · reshapeDepth`. */
  readonly maxFeatures: number;
  readonly reshapeChannel: number;
  readonly reshapeDepth: number;
  readonly numResblocks: number;
  /** Height and width of the square input image, in pixels. */
  readonly imageSize: number;
  /** Emit every Conv3D as a sum of Conv2Ds over depth taps (the WebGPU variant). Default false. */
  readonly conv3dAsConv2d?: boolean;
}

/** The official `models.yaml` values: 3 → 64 → 128 → 256 → 512 = 32 × 16, six 3-D res blocks, 256 px. */
export const appearanceFeatureExtractorDefaultConfig: AppearanceFeatureExtractorConfig = {
  imageChannel: 3,
  blockExpansion: 64,
  numDownBlocks: 2,
  maxFeatures: 512,
  reshapeChannel: 32,
  reshapeDepth: 16,
  numResblocks: 6,
  imageSize: 256,
};

function downChannels(config: AppearanceFeatureExtractorConfig, i: number): [number, number] {
  const width = (level: number) => Math.min(config.maxFeatures, config.blockExpansion * 2 ** level);
  return [width(i), width(i + 1)];
}

/** The state dict of F for `config` (107 entries for the official values). */
export function appearanceFeatureExtractorStateDict(
  config: AppearanceFeatureExtractorConfig = appearanceFeatureExtractorDefaultConfig,
): StateDictEntry[] {
  const entries = [
    ...convEntries('first.conv', config.blockExpansion, config.imageChannel, [3, 3]),
    ...batchNormEntries('first.norm', config.blockExpansion),
  ];
  let last = config.blockExpansion;
  for (let i = 0; i < config.numDownBlocks; i++) {
    const [inChannels, outChannels] = downChannels(config, i);
    entries.push(...convEntries(`down_blocks.${i}.conv`, outChannels, inChannels, [3, 3]));
    entries.push(...batchNormEntries(`down_blocks.${i}.norm`, outChannels));
    last = outChannels;
  }
  entries.push(...convEntries('second', config.maxFeatures, last, [1, 1]));
  const c = config.reshapeChannel;
  for (let i = 0; i < config.numResblocks; i++) {
    const prefix = `resblocks_3d.3dr${i}`;
    entries.push(...convEntries(`${prefix}.conv1`, c, c, [3, 3, 3]));
    entries.push(...convEntries(`${prefix}.conv2`, c, c, [3, 3, 3]));
    entries.push(...batchNormEntries(`${prefix}.norm1`, c), ...batchNormEntries(`${prefix}.norm2`, c));
  }
  return entries;
}

/**
 * LivePortrait's appearance feature extractor F: the source image to its 3-D appearance volume.
 * Graph: `img` [1, 3, 256, 256] (RGB in [0, 1]) → `feature_3d` [1, 32, 16, 64, 64]; the 2-D features
 * [1, 512, 64, 64] become the volume with channel index `16·c + depth`, as PyTorch's `view` does.
 */
export function buildAppearanceFeatureExtractor(
  weights: WeightSource,
  config: AppearanceFeatureExtractorConfig = appearanceFeatureExtractorDefaultConfig,
): GraphBuilder {
  if (config.reshapeChannel * config.reshapeDepth !== config.maxFeatures) {
    throw new Error('appearance feature extractor: maxFeatures must equal reshapeChannel · reshapeDepth');
  }
  const g = new GraphBuilder('appearance_feature_extractor', {
    conv3dAsConv2d: config.conv3dAsConv2d ?? false,
  });
  const size = config.imageSize;
  const img = g.input(graphIo.appearanceFeatureExtractor.inputs.image, 'float32', [
    1,
    config.imageChannel,
    size,
    size,
  ]);
  let h = convNormAct(g, weights, 'first', img, config.imageChannel, config.blockExpansion, { rank: 2 });
  let channels = config.blockExpansion;
  let side = size;
  for (let i = 0; i < config.numDownBlocks; i++) {
    const [inChannels, outChannels] = downChannels(config, i);
    h = g.scope(`down_blocks.${i}`, () =>
      downBlock(g, weights, `down_blocks.${i}`, h, inChannels, outChannels, [side, side]),
    );
    channels = outChannels;
    side /= 2;
  }
  h = conv(g, weights, 'second', h, {
    inChannels: channels,
    outChannels: config.maxFeatures,
    kernel: [1, 1],
  });
  const volume = [1, config.reshapeChannel, config.reshapeDepth, side, side];
  h = g.reshape(h, volume);
  for (let i = 0; i < config.numResblocks; i++) {
    const prefix = `resblocks_3d.3dr${i}`;
    h = g.scope(prefix, () => resBlock3d(g, weights, prefix, h, config.reshapeChannel));
  }
  g.output(h, graphIo.appearanceFeatureExtractor.outputs.features, 'float32', volume);
  return g;
}
