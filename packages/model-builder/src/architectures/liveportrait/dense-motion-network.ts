import { createTensor } from '@joyvasa/core';
import { type GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { batchNorm, conv } from '../layers.js';
import { makeCoordinateGrid } from './coordinate-grid.js';
import {
  denseMotionVariantWeights,
  foldedDeformation,
  foldedInputOrder,
  foldedMotionRepresentation,
  paddedChannels,
} from './dense-motion-variants.js';
import { type GridSampleMode, gridSample3d } from './grid-sample-3d.js';
import { type HourglassConfig, hourglass, hourglassChannels, hourglassStateDict } from './hourglass.js';
import { batchNormEntries, convEntries, type StateDictEntry } from './state-dict-entries.js';

/** Arguments of LivePortrait's DenseMotionNetwork (`dense_motion_params` plus what W passes in). */
export interface DenseMotionConfig {
  readonly numKp: number;
  /** Channels of the appearance volume it reads. */
  readonly featureChannel: number;
  readonly blockExpansion: number;
  readonly maxFeatures: number;
  readonly numBlocks: number;
  readonly reshapeDepth: number;
  /** Channels of the compressed volume that is warped once per keypoint. */
  readonly compress: number;
  /**
   * Zero-pad the odd channel counts (hourglass input 110 → 112, its output 142 → 144, mask 22 → 24) to
   * multiples of 8: exact, since padded weights are zeros. Default false.
   */
  readonly padChannels?: boolean;
  /** Fold the coordinate work around the GridSamples ({@link foldedMotionRepresentation}). Default false. */
  readonly foldCoordinates?: boolean;
}

/** What the dense-motion network adds to the graph. */
export interface DenseMotion {
  /** Backward flow in normalised (x, y, z) coordinates: [N, D, H, W, 3]. */
  readonly deformation: string;
  /** Sigmoid occlusion map: [N, 1, H, W]. */
  readonly occlusionMap: string;
}

/**
 * The Hourglass of a dense-motion network: its input holds 1 + K motions of (1 + compress) channels, with
 * `padded` rounded up to a multiple of 8.
 */
function denseMotionHourglass(config: DenseMotionConfig, padded = false): HourglassConfig {
  const inFeatures = (config.numKp + 1) * (config.compress + 1);
  return {
    blockExpansion: config.blockExpansion,
    inFeatures: padded ? paddedChannels(inFeatures) : inFeatures,
    numBlocks: config.numBlocks,
    maxFeatures: config.maxFeatures,
  };
}

/** The dense-motion network's state-dict entries under `prefix` (`dense_motion_network` in W). */
export function denseMotionStateDict(prefix: string, config: DenseMotionConfig): StateDictEntry[] {
  const hourglassConfig = denseMotionHourglass(config);
  const { outFilters } = hourglassChannels(hourglassConfig);
  return [
    ...hourglassStateDict(`${prefix}.hourglass`, hourglassConfig),
    ...convEntries(`${prefix}.mask`, config.numKp + 1, outFilters, [7, 7, 7]),
    ...convEntries(`${prefix}.compress`, config.compress, config.featureChannel, [1, 1, 1]),
    ...batchNormEntries(`${prefix}.norm`, config.compress),
    ...convEntries(`${prefix}.occlusion`, 1, outFilters * config.reshapeDepth, [7, 7]),
  ];
}

/** `kp2gaussian(kp, variance 0.01)` from `grid − kp` [..., 3]: `exp(−0.5 ‖grid − kp‖² / 0.01)`. */
function gaussian(g: GraphBuilder, offsets: string): string {
  const squared = g.reduceSum(g.mul(offsets, offsets), [-1], false);
  return g.op('Exp', [g.div(g.mul(squared, g.float(-0.5)), g.float(0.01))]);
}

/** The hourglass input and the 1 + K sparse motions, from the compressed volume and the keypoints. */
function motionRepresentation(
  g: GraphBuilder,
  compressed: string,
  kpDriving: string,
  kpSource: string,
  config: DenseMotionConfig,
  spatial: readonly [number, number, number],
  gridSample: GridSampleMode,
) {
  const { numKp, compress } = config;
  const [depth, height, width] = spatial;
  const identity = makeCoordinateGrid(depth, height, width);
  const identityGrid = g.coordinate(
    g.initializer(createTensor('float32', [1, 1, depth, height, width, 3], identity.data), 'grid'),
  );
  // The grid and the background heatmap are concatenated with per-frame values: give them the batch.
  const grid = g.expandBatch(identityGrid, kpDriving, 6);
  const driving = g.reshape(kpDriving, [KEEP_BATCH, numKp, 1, 1, 1, 3]);
  const source = g.reshape(kpSource, [KEEP_BATCH, numKp, 1, 1, 1, 3]);
  const fromDriving = g.sub(grid, driving);
  // Motion k maps a driving-frame point to the source frame (k = 0: the identity, the background).
  const sparseMotion = g.concat([grid, g.add(fromDriving, source)], 1);
  const motions = numKp + 1;
  const deformed = gridSample3d(
    g,
    compressed,
    g.reshape(sparseMotion, [KEEP_BATCH, motions * depth, height, width, 3]),
    { volume: [compress, depth, height, width], grid: [motions * depth, height, width] },
    gridSample,
  );
  const perMotion = g.transpose(
    g.reshape(deformed, [KEEP_BATCH, compress, motions, depth, height, width]),
    [0, 2, 1, 3, 4, 5],
  );
  const heatmap = g.sub(gaussian(g, fromDriving), gaussian(g, g.sub(grid, source)));
  const background = g.expandBatch(
    g.initializer(
      createTensor('float32', [1, 1, depth, height, width], new Float32Array(depth * height * width)),
      'heatmap_background',
    ),
    kpDriving,
    5,
  );
  const heatmaps = g.unsqueeze(g.concat([background, heatmap], 1), [2]);
  // Per motion k: channel 0 its heatmap, 1… its warped features; flattened as (compress + 1)·k + j.
  const input = g.reshape(g.concat([heatmaps, perMotion], 2), [
    KEEP_BATCH,
    motions * (compress + 1),
    depth,
    height,
    width,
  ]);
  return { input, sparseMotion };
}

/** The hourglass input and how the deformation is formed, in the official or the folded form. */
function motionInput(
  g: GraphBuilder,
  compressed: string,
  inputs: { kpDriving: string; kpSource: string },
  config: DenseMotionConfig,
  spatial: readonly [number, number, number],
  gridSample: GridSampleMode,
): { input: string; deform: (mask: string) => string } {
  const motions = config.numKp + 1;
  if (config.foldCoordinates) {
    const inFeatures = motions * (config.compress + 1);
    const sizes = { ...config, padding: config.padChannels ? paddedChannels(inFeatures) - inFeatures : 0 };
    const keypoints = { driving: inputs.kpDriving, source: inputs.kpSource };
    const folded = foldedMotionRepresentation(g, compressed, keypoints, sizes, spatial, gridSample);
    return {
      input: folded.input,
      deform: (mask) => foldedDeformation(g, mask, folded.displacements, motions, spatial),
    };
  }
  const official = motionRepresentation(
    g,
    compressed,
    inputs.kpDriving,
    inputs.kpSource,
    config,
    spatial,
    gridSample,
  );
  const padding = paddedChannels(motions * (config.compress + 1)) - motions * (config.compress + 1);
  const pads = [0, 0, 0, 0, 0, 0, padding, 0, 0, 0];
  return {
    input: config.padChannels ? g.op('Pad', [official.input, g.int64(pads)]) : official.input,
    deform: (mask) => g.reduceSum(g.mul(official.sparseMotion, g.unsqueeze(mask, [5])), [1], false),
  };
}

/** The weights as the variant graph reads them (the official ones when no variant is on). */
function variantWeights(weights: WeightSource, prefix: string, config: DenseMotionConfig): WeightSource {
  if (!config.padChannels && !config.foldCoordinates) return weights;
  return denseMotionVariantWeights(weights, prefix, denseMotionStateDict(prefix, config), {
    ...(config.foldCoordinates ? { order: foldedInputOrder(config.numKp + 1, config.compress) } : {}),
    skipOffset: config.blockExpansion,
    pad: config.padChannels ?? false,
  });
}

/**
 * LivePortrait's dense-motion network on the appearance volume `feature` [N, C, D, H, W] and the keypoints
 * `kpDriving`, `kpSource` [N, K, 3]: compress → warp per keypoint → heatmaps → Hourglass → softmax mask
 * over 1 + K motions → deformation; occlusion from the Hourglass output viewed as 2-D (channel 16·c + d).
 */
export function denseMotionNetwork(
  g: GraphBuilder,
  official: WeightSource,
  prefix: string,
  inputs: { feature: string; kpDriving: string; kpSource: string },
  config: DenseMotionConfig,
  spatial: readonly [number, number, number],
  gridSample: GridSampleMode,
): DenseMotion {
  const { numKp, compress } = config;
  const [depth, height, width] = spatial;
  const weights = variantWeights(official, prefix, config);
  const squeezed = conv(g, weights, `${prefix}.compress`, inputs.feature, {
    inChannels: config.featureChannel,
    outChannels: compress,
    kernel: [1, 1, 1],
  });
  // One source volume serves every frame of the batch: compress it once, then give it the frames' batch.
  const compressed = g.expandBatch(
    g.relu(batchNorm(g, weights, `${prefix}.norm`, squeezed, compress)),
    inputs.kpDriving,
    5,
  );
  const { input, deform } = g.scope('motion_representation', () =>
    motionInput(g, compressed, inputs, config, spatial, gridSample),
  );
  const hourglassConfig = denseMotionHourglass(config, config.padChannels);
  const { outFilters } = hourglassChannels(hourglassConfig);
  const prediction = hourglass(g, weights, `${prefix}.hourglass`, input, hourglassConfig, spatial);
  const motions = numKp + 1;
  let maskLogits = conv(g, weights, `${prefix}.mask`, prediction, {
    inChannels: outFilters,
    outChannels: config.padChannels ? paddedChannels(motions) : motions,
    kernel: [7, 7, 7],
    padding: 3,
  });
  if (config.padChannels) maskLogits = g.slice(maskLogits, [0], [motions], [1]);
  const deformation = deform(g.softmax(maskLogits, 1));
  const flat = g.reshape(prediction, [KEEP_BATCH, outFilters * depth, height, width]);
  const occlusion = conv(g, weights, `${prefix}.occlusion`, flat, {
    inChannels: outFilters * depth,
    outChannels: 1,
    kernel: [7, 7],
    padding: 3,
  });
  return { deformation, occlusionMap: g.sigmoid(occlusion) };
}
