import { graphIo } from '@joyvasa/core';
import { BATCH_DIM, GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { conv } from '../layers.js';
import { upsampleNearest } from './conv-blocks.js';
import {
  type SpadeResnetBlockShape,
  type SpadeVariant,
  spadeResnetBlock,
  spadeResnetBlockStateDict,
} from './spade-resnet-block.js';
import { convEntries, type StateDictEntry } from './state-dict-entries.js';

/** Constructor arguments of LivePortrait's SPADEDecoder (G), plus the input size. */
export interface SpadeGeneratorConfig {
  /** `> 1`: the last conv makes 12 channels and PixelShuffle(2) doubles the resolution. */
  readonly upscale: number;
  readonly blockExpansion: number;
  readonly maxFeatures: number;
  readonly numDownBlocks: number;
  readonly outChannels: number;
  /** SPADEResnetBlocks at the input resolution (`G_middle_0…`); 6 in the official module. */
  readonly numMiddleBlocks: number;
  /** Hidden width of every SPADE's shared conv; 128 in the official module. */
  readonly spadeHidden: number;
  /** Height and width of the input feature map, in pixels. */
  readonly spatialSize: number;
  /** Equivalent forms of the SPADEs, for kernels chosen by timing; the official graph when absent. */
  readonly variant?: SpadeVariant;
}

/** The official values: 256-channel 64 × 64 input, 512-wide middle, 6 middle blocks, ×2 PixelShuffle. */
export const spadeGeneratorDefaultConfig: SpadeGeneratorConfig = {
  upscale: 2,
  blockExpansion: 64,
  maxFeatures: 512,
  numDownBlocks: 2,
  outChannels: 64,
  numMiddleBlocks: 6,
  spadeHidden: 128,
  spatialSize: 64,
};

/** The channels of G's input feature map (W's output): 256 for the released sizes. */
export function spadeGeneratorInputChannels(config: SpadeGeneratorConfig): number {
  return Math.min(config.maxFeatures, config.blockExpansion * 2 ** config.numDownBlocks);
}

/** The blocks in order, with their widths; `upsample` marks a nearest ×2 before the block. */
function blockPlan(config: SpadeGeneratorConfig) {
  const input = spadeGeneratorInputChannels(config);
  const middle = 2 * input;
  const shape = (inChannels: number, outChannels: number): Omit<SpadeResnetBlockShape, 'side'> => ({
    inChannels,
    outChannels,
    labelChannels: input,
    hidden: config.spadeHidden,
  });
  const blocks: { name: string; shape: Omit<SpadeResnetBlockShape, 'side'>; upsample: boolean }[] = [];
  for (let i = 0; i < config.numMiddleBlocks; i++)
    blocks.push({ name: `G_middle_${i}`, shape: shape(middle, middle), upsample: false });
  blocks.push({ name: 'up_0', shape: shape(middle, input), upsample: true });
  blocks.push({ name: 'up_1', shape: shape(input, config.outChannels), upsample: true });
  const imageChannels = config.upscale > 1 ? 12 : 3;
  const imageKey = config.upscale > 1 ? 'conv_img.0' : 'conv_img';
  return { input, middle, blocks, imageChannels, imageKey };
}

/** The state dict of G for `config` (182 entries for the official values). */
export function spadeGeneratorStateDict(
  config: SpadeGeneratorConfig = spadeGeneratorDefaultConfig,
): StateDictEntry[] {
  const { input, middle, blocks, imageChannels, imageKey } = blockPlan(config);
  return [
    ...convEntries('fc', middle, input, [3, 3]),
    ...blocks.flatMap(({ name, shape }) => spadeResnetBlockStateDict(name, shape)),
    ...convEntries(imageKey, imageChannels, config.outChannels, [3, 3]),
  ];
}

/**
 * LivePortrait's SPADE generator G: warped features to the image. Graph: `feature` [N, 256, 64, 64] (also
 * the SPADE segmentation map) → `image` [N, 3, 512, 512], RGB in [0, 1], for a batch of N frames. Spectral norm is baked into the
 * conv weights; PixelShuffle is DepthToSpace (CRD); the segmentation map is resized (nearest) once per
 * resolution and shared by the blocks there.
 */
export function buildSpadeGenerator(
  weights: WeightSource,
  config: SpadeGeneratorConfig = spadeGeneratorDefaultConfig,
): GraphBuilder {
  const { input, middle, blocks, imageChannels, imageKey } = blockPlan(config);
  const g = new GraphBuilder('spade_generator');
  let side = config.spatialSize;
  const feature = g.input(graphIo.spadeGenerator.inputs.warped, 'float32', [BATCH_DIM, input, side, side]);
  const segmaps = new Map<number, string>([[side, feature]]);
  let x = conv(g, weights, 'fc', feature, {
    inChannels: input,
    outChannels: middle,
    kernel: [3, 3],
    padding: 1,
  });
  for (const { name, shape, upsample } of blocks) {
    if (upsample) {
      x = upsampleNearest(g, x, shape.inChannels, [side, side], 2);
      side *= 2;
      const factor = side / config.spatialSize;
      segmaps.set(side, upsampleNearest(g, feature, input, [config.spatialSize, config.spatialSize], factor));
    }
    const segmap = segmaps.get(side)!;
    const sized = { ...shape, side, ...(config.variant ? { variant: config.variant } : {}) };
    x = g.scope(name, () => spadeResnetBlock(g, weights, name, x, segmap, sized));
  }
  x = conv(g, weights, imageKey, g.leakyRelu(x, 0.2), {
    inChannels: config.outChannels,
    outChannels: imageChannels,
    kernel: [3, 3],
    padding: 1,
  });
  if (config.upscale > 1) {
    x = g.op('DepthToSpace', [x], { blocksize: 2, mode: 'CRD' });
    side *= 2;
  }
  g.output(g.sigmoid(x), graphIo.spadeGenerator.outputs.image, 'float32', [BATCH_DIM, 3, side, side]);
  return g;
}
