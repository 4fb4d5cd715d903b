import { createTensor } from '@joyvasa/core';
import { type GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { batchNorm, conv } from '../layers.js';
import { makeCoordinateGrid } from './coordinate-grid.js';
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
}

/** What the dense-motion network adds to the graph. */
export interface DenseMotion {
  /** Backward flow in normalised (x, y, z) coordinates: [N, D, H, W, 3]. */
  readonly deformation: string;
  /** Sigmoid occlusion map: [N, 1, H, W]. */
  readonly occlusionMap: string;
}

/** The Hourglass of a dense-motion network: its input holds 1 + K motions of (1 + compress) channels. */
function denseMotionHourglass(config: DenseMotionConfig): HourglassConfig {
  return {
    blockExpansion: config.blockExpansion,
    inFeatures: (config.numKp + 1) * (config.compress + 1),
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

/**
 * LivePortrait's dense-motion network on the appearance volume `feature` [N, C, D, H, W] and the keypoints
 * `kpDriving`, `kpSource` [N, K, 3]: compress → warp per keypoint → heatmaps → Hourglass → softmax mask
 * over 1 + K motions → deformation; occlusion from the Hourglass output viewed as 2-D (channel 16·c + d).
 */
export function denseMotionNetwork(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  inputs: { feature: string; kpDriving: string; kpSource: string },
  config: DenseMotionConfig,
  spatial: readonly [number, number, number],
  gridSample: GridSampleMode,
): DenseMotion {
  const { numKp, compress } = config;
  const [depth, height, width] = spatial;
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
  const { input, sparseMotion } = g.scope('motion_representation', () =>
    motionRepresentation(g, compressed, inputs.kpDriving, inputs.kpSource, config, spatial, gridSample),
  );
  const hourglassConfig = denseMotionHourglass(config);
  const { outFilters } = hourglassChannels(hourglassConfig);
  const prediction = hourglass(g, weights, `${prefix}.hourglass`, input, hourglassConfig, spatial);
  const maskLogits = conv(g, weights, `${prefix}.mask`, prediction, {
    inChannels: outFilters,
    outChannels: numKp + 1,
    kernel: [7, 7, 7],
    padding: 3,
  });
  const mask = g.unsqueeze(g.softmax(maskLogits, 1), [5]);
  const deformation = g.reduceSum(g.mul(sparseMotion, mask), [1], false);
  const flat = g.reshape(prediction, [KEEP_BATCH, outFilters * depth, height, width]);
  const occlusion = conv(g, weights, `${prefix}.occlusion`, flat, {
    inChannels: outFilters * depth,
    outChannels: 1,
    kernel: [7, 7],
    padding: 3,
  });
  return { deformation, occlusionMap: g.sigmoid(occlusion) };
}
