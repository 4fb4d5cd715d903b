import { createTensor, graphIo } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { prefixedSource, type WeightSource } from '../../weights/weight-source.js';
import { conv, layerNorm, linear } from '../layers.js';
import { convEntries, layerNormEntries, linearEntries, type StateDictEntry } from './state-dict-entries.js';

/** Constructor arguments of LivePortrait's MotionExtractor (a ConvNeXt-V2 backbone), plus the input size. */
export interface MotionExtractorConfig {
  /** Blocks per stage. */
  readonly depths: readonly number[];
  /** Channels per stage. */
  readonly dims: readonly number[];
  readonly numKp: number;
  /** Bins of the pitch/yaw/roll classifiers. */
  readonly numBins: number;
  readonly imageChannel: number;
  /** Height and width of the square input image, in pixels (a multiple of 4 · 2^(stages − 1)). */
  readonly imageSize: number;
}

/** The official values: ConvNeXt-V2 tiny (depths 3/3/9/3, dims 96…768), 21 keypoints, 66 bins, 256 px. */
export const motionExtractorDefaultConfig: MotionExtractorConfig = {
  depths: [3, 3, 9, 3],
  dims: [96, 192, 384, 768],
  numKp: 21,
  numBins: 66,
  imageChannel: 3,
  imageSize: 256,
};

/** ConvNeXt's LayerNorms use eps 1e-6, not PyTorch's 1e-5 default. */
const lnEpsilon = 1e-6;
const keyPrefix = 'detector.';

/** The seven heads in graph-output order, with their widths. */
function heads(config: MotionExtractorConfig): [string, number][] {
  const bins = config.numBins;
  const points = 3 * config.numKp;
  // The official head modules are named `fc_<output>`.
  const outputs = graphIo.motionExtractor.outputs;
  return [
    [outputs.pitch, bins],
    [outputs.yaw, bins],
    [outputs.roll, bins],
    [outputs.translation, 3],
    [outputs.expression, points],
    [outputs.scale, 1],
    [outputs.keypoints, points],
  ];
}

/** The state dict of M for `config`, keys prefixed `detector.` (212 entries for the official values). */
export function motionExtractorStateDict(
  config: MotionExtractorConfig = motionExtractorDefaultConfig,
): StateDictEntry[] {
  const { dims, depths } = config;
  const entries = [
    ...convEntries('downsample_layers.0.0', dims[0]!, config.imageChannel, [4, 4]),
    ...layerNormEntries('downsample_layers.0.1', dims[0]!),
  ];
  for (let i = 1; i < dims.length; i++) {
    entries.push(...layerNormEntries(`downsample_layers.${i}.0`, dims[i - 1]!));
    entries.push(...convEntries(`downsample_layers.${i}.1`, dims[i]!, dims[i - 1]!, [2, 2]));
  }
  dims.forEach((dim, stage) => {
    for (let b = 0; b < depths[stage]!; b++) {
      const prefix = `stages.${stage}.${b}`;
      entries.push(...convEntries(`${prefix}.dwconv`, dim, 1, [7, 7]));
      entries.push(...layerNormEntries(`${prefix}.norm`, dim));
      entries.push(...linearEntries(`${prefix}.pwconv1`, dim, 4 * dim));
      entries.push({ key: `${prefix}.grn.gamma`, shape: [1, 1, 1, 4 * dim] });
      entries.push({ key: `${prefix}.grn.beta`, shape: [1, 1, 1, 4 * dim] });
      entries.push(...linearEntries(`${prefix}.pwconv2`, 4 * dim, dim));
    }
  });
  const last = dims.at(-1)!;
  entries.push(...layerNormEntries('norm', last));
  const order = ['kp', 'scale', 'pitch', 'yaw', 'roll', 't', 'exp'];
  const widths = new Map(heads(config));
  for (const name of order) entries.push(...linearEntries(`fc_${name}`, last, widths.get(name)!));
  return entries.map((entry) => ({ ...entry, key: keyPrefix + entry.key }));
}

/**
 * LayerNorm over the channel axis of NCHW (`data_format="channels_first"`): mean and biased variance over
 * C, written out as the official module computes it.
 */
function channelsFirstLayerNorm(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  dim: number,
) {
  const mean = g.reduceMean(x, [1]);
  const centred = g.sub(x, mean);
  const variance = g.reduceMean(g.mul(centred, centred), [1]);
  const normalised = g.div(centred, g.op('Sqrt', [g.add(variance, g.float(lnEpsilon))]));
  const perChannel = (name: string) =>
    g.initializer(
      createTensor('float32', [dim, 1, 1], weights.get(`${prefix}.${name}`, [dim]).data),
      `${prefix}.${name}`,
    );
  return g.add(g.mul(normalised, perChannel('weight')), perChannel('bias'));
}

/** Global response normalisation on NHWC: `γ (x · N) + β + x`, `N = ‖x‖₂(H,W) / (mean_C ‖x‖₂ + 1e-6)`. */
function grn(g: GraphBuilder, weights: WeightSource, prefix: string, x: string, channels: number): string {
  const norms = g.op('ReduceL2', [x, g.int64([1, 2])], { keepdims: 1 });
  const relative = g.div(norms, g.add(g.reduceMean(norms, [3]), g.float(1e-6)));
  const parameter = (name: string) =>
    g.initializer(weights.get(`${prefix}.${name}`, [1, 1, 1, channels]), `${prefix}.${name}`);
  return g.add(g.add(g.mul(parameter('gamma'), g.mul(x, relative)), parameter('beta')), x);
}

/** ConvNeXt-V2 block: depthwise 7×7 → LN → Linear ×4 → GELU → GRN → Linear → residual. */
function convNextBlock(g: GraphBuilder, weights: WeightSource, prefix: string, x: string, dim: number) {
  let h = conv(g, weights, `${prefix}.dwconv`, x, {
    inChannels: dim,
    outChannels: dim,
    kernel: [7, 7],
    padding: 3,
    groups: dim,
  });
  h = g.transpose(h, [0, 2, 3, 1]);
  h = layerNorm(g, weights, `${prefix}.norm`, h, dim, lnEpsilon);
  h = g.gelu(linear(g, weights, `${prefix}.pwconv1`, h, dim, 4 * dim));
  h = grn(g, weights, `${prefix}.grn`, h, 4 * dim);
  h = linear(g, weights, `${prefix}.pwconv2`, h, 4 * dim, dim);
  return g.add(x, g.transpose(h, [0, 3, 1, 2]));
}

/**
 * LivePortrait's motion extractor M (ConvNeXt-V2 with seven linear heads), reading keys `detector.*`.
 * Graph: `img` [1, 3, 256, 256] (RGB in [0, 1], no mean/std) → `pitch`, `yaw`, `roll` [1, 66] (bin
 * logits), `t` [1, 3], `exp` [1, 63], `scale` [1, 1], `kp` [1, 63] (raw, keypoint-major).
 */
export function buildMotionExtractor(
  weights: WeightSource,
  config: MotionExtractorConfig = motionExtractorDefaultConfig,
): GraphBuilder {
  const source = prefixedSource(weights, keyPrefix);
  const { dims, depths } = config;
  const g = new GraphBuilder('motion_extractor');
  const size = config.imageSize;
  let h = g.input(graphIo.motionExtractor.inputs.image, 'float32', [1, config.imageChannel, size, size]);
  for (let stage = 0; stage < dims.length; stage++) {
    const dim = dims[stage]!;
    h = g.scope(`downsample_layers.${stage}`, () => {
      const down = `downsample_layers.${stage}`;
      if (stage === 0) {
        const stem = { inChannels: config.imageChannel, outChannels: dim, kernel: [4, 4], stride: 4 };
        return channelsFirstLayerNorm(g, source, `${down}.1`, conv(g, source, `${down}.0`, h, stem), dim);
      }
      const previous = dims[stage - 1]!;
      const normed = channelsFirstLayerNorm(g, source, `${down}.0`, h, previous);
      const options = { inChannels: previous, outChannels: dim, kernel: [2, 2], stride: 2 };
      return conv(g, source, `${down}.1`, normed, options);
    });
    for (let b = 0; b < depths[stage]!; b++) {
      const prefix = `stages.${stage}.${b}`;
      h = g.scope(prefix, () => convNextBlock(g, source, prefix, h, dim));
    }
  }
  const last = dims.at(-1)!;
  const pooled = layerNorm(g, source, 'norm', g.reduceMean(h, [2, 3], false), last, lnEpsilon);
  for (const [name, width] of heads(config)) {
    g.output(linear(g, source, `fc_${name}`, pooled, last, width), name, 'float32', [1, width]);
  }
  return g;
}
