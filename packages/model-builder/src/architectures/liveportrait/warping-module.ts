import { graphIo } from '@joyvasa/core';
import { BATCH_DIM, GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { conv } from '../layers.js';
import { convNormAct } from './conv-blocks.js';
import { type DenseMotionConfig, denseMotionNetwork, denseMotionStateDict } from './dense-motion-network.js';
import { type GridSampleMode, gridSample3d } from './grid-sample-3d.js';
import { batchNormEntries, convEntries, type StateDictEntry } from './state-dict-entries.js';

/** Constructor arguments of LivePortrait's WarpingNetwork (W), plus the volume size and the sampler. */
export interface WarpingModuleConfig {
  readonly numKp: number;
  readonly blockExpansion: number;
  /** Channels of the volume viewed as 2-D; must equal `reshapeChannel · denseMotion.reshapeDepth`. */
  readonly maxFeatures: number;
  readonly numDownBlocks: number;
  readonly reshapeChannel: number;
  readonly denseMotion: Omit<DenseMotionConfig, 'numKp' | 'featureChannel'>;
  /** Height and width of the appearance volume, in voxels. */
  readonly spatialSize: number;
  /** How the two 5-D grid samples are expressed. Default `'native'`. */
  readonly gridSample: GridSampleMode;
  /** Emit every Conv3D as a sum of Conv2Ds over depth taps (the WebGPU variant). Default false. */
  readonly conv3dAsConv2d?: boolean;
  /**
   * Equivalent forms of the dense-motion network, for kernels chosen by timing (all off by default:
   * the official graph). `padChannels`: odd channel counts zero-padded to multiples of 8 (exact);
   * `foldCoordinates`: the keypoint and grid arithmetic around the GridSamples folded into fewer ops.
   */
  readonly variant?: WarpingVariant;
}

/** Equivalent forms of W (see {@link WarpingModuleConfig.variant}). */
export interface WarpingVariant {
  readonly padChannels?: boolean;
  readonly foldCoordinates?: boolean;
}

/**
 * The official `models.yaml` values (21 keypoints, 32 × 16 × 64 × 64 volume, Hourglass 32/1024/5 blocks,
 * compress 4, occlusion map on) with ONNX GridSample.
 */
export const warpingModuleDefaultConfig: WarpingModuleConfig = {
  numKp: 21,
  blockExpansion: 64,
  maxFeatures: 512,
  numDownBlocks: 2,
  reshapeChannel: 32,
  denseMotion: { blockExpansion: 32, maxFeatures: 1024, numBlocks: 5, reshapeDepth: 16, compress: 4 },
  spatialSize: 64,
  gridSample: 'native',
};

function denseMotionConfig(config: WarpingModuleConfig): DenseMotionConfig {
  return {
    ...config.denseMotion,
    ...config.variant,
    numKp: config.numKp,
    featureChannel: config.reshapeChannel,
  };
}

/** Output channels of `third` and `fourth`. */
function outChannels(config: WarpingModuleConfig): number {
  return config.blockExpansion * 2 ** config.numDownBlocks;
}

/** The state dict of W for `config` (97 entries for the official values). */
export function warpingModuleStateDict(
  config: WarpingModuleConfig = warpingModuleDefaultConfig,
): StateDictEntry[] {
  const out = outChannels(config);
  return [
    ...denseMotionStateDict('dense_motion_network', denseMotionConfig(config)),
    ...convEntries('third.conv', out, config.maxFeatures, [3, 3]),
    ...batchNormEntries('third.norm', out),
    ...convEntries('fourth', out, out, [1, 1]),
  ];
}

/**
 * LivePortrait's warping module W: warps the source appearance volume by the motion between two keypoint
 * sets, for a batch of N frames of one source. Graph inputs `feature_3d` [1, 32, 16, 64, 64] (the source,
 * shared by the batch), `kp_driving` and `kp_source` [N, 21, 3] (transformed keypoints, normalised
 * (x, y, z)); outputs `out` [N, 256, 64, 64] (the warped features times the occlusion map),
 * `occlusion_map` [N, 1, 64, 64] and `deformation` [N, 16, 64, 64, 3]. N = 1 is the official module.
 */
export function buildWarpingModule(
  weights: WeightSource,
  config: WarpingModuleConfig = warpingModuleDefaultConfig,
): GraphBuilder {
  const depth = config.denseMotion.reshapeDepth;
  if (config.reshapeChannel * depth !== config.maxFeatures) {
    throw new Error('warping module: maxFeatures must equal reshapeChannel · denseMotion.reshapeDepth');
  }
  const size = config.spatialSize;
  const spatial = [depth, size, size] as const;
  const g = new GraphBuilder(`warping_module_${config.gridSample}`, {
    conv3dAsConv2d: config.conv3dAsConv2d ?? false,
  });
  const volumeDims = [1, config.reshapeChannel, depth, size, size];
  const { inputs, outputs } = graphIo.warpingModule;
  const feature = g.input(inputs.features, 'float32', volumeDims);
  // The Gather (WebGPU) variant renders one frame per call: a batch would add shape arithmetic that
  // onnxruntime places on the CPU, and its sampling assumes one frame.
  const batched = config.gridSample === 'native';
  const batch = batched ? BATCH_DIM : 1;
  const kpDriving = g.coordinate(g.input(inputs.drivingKeypoints, 'float32', [batch, config.numKp, 3]));
  const kpSource = g.coordinate(g.input(inputs.sourceKeypoints, 'float32', [batch, config.numKp, 3]));

  const { deformation, occlusionMap } = g.scope('dense_motion_network', () =>
    denseMotionNetwork(
      g,
      weights,
      'dense_motion_network',
      { feature, kpDriving, kpSource },
      denseMotionConfig(config),
      spatial,
      config.gridSample,
    ),
  );
  const warped = g.scope('deform_input', () =>
    gridSample3d(
      g,
      batched ? g.expandBatch(feature, kpDriving, 5) : feature,
      deformation,
      { volume: [config.reshapeChannel, depth, size, size], grid: spatial },
      config.gridSample,
    ),
  );
  const out = outChannels(config);
  let h = g.reshape(warped, [KEEP_BATCH, config.maxFeatures, size, size]);
  h = convNormAct(g, weights, 'third', h, config.maxFeatures, out, { rank: 2, activation: 'leakyRelu' });
  h = conv(g, weights, 'fourth', h, { inChannels: out, outChannels: out, kernel: [1, 1] });
  g.output(g.mul(h, occlusionMap), outputs.warped, 'float32', [batch, out, size, size]);
  g.output(occlusionMap, outputs.occlusionMap, 'float32', [batch, 1, size, size]);
  g.output(deformation, outputs.deformation, 'float32', [batch, depth, size, size, 3]);
  return g;
}
