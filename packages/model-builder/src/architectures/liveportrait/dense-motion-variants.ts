import { createTensor } from '@joyvasa/core';
import { type GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import {
  reorderInputChannels,
  rewrittenSource,
  type WeightRewrite,
  zeroPadTensor,
} from '../../weights/transformed-source.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { makeCoordinateGrid } from './coordinate-grid.js';
import { type GridSampleMode, gridSample3d } from './grid-sample-3d.js';
import type { StateDictEntry } from './state-dict-entries.js';

/**
 * The dense-motion network's equivalent forms (issue 21: kernels chosen by timing). Each computes what the
 * official module computes, to float32 rounding; the weights are the official ones, rewritten as read.
 */

/** `count` rounded up to a multiple of 8, the channel granularity of tensor-core convolution kernels. */
export function paddedChannels(count: number): number {
  return Math.ceil(count / 8) * 8;
}

/**
 * Input channel order of the folded hourglass input: the 1 + K heatmaps first, then the warped features
 * channel-major (`c·(1+K) + k`, GridSample's own output order, so no Transpose). Entry i is the official
 * channel ((compress + 1)·k + j) that new channel i holds.
 */
export function foldedInputOrder(motions: number, compress: number): number[] {
  const order = Array.from({ length: motions }, (_, k) => (compress + 1) * k);
  for (let c = 0; c < compress; c++) for (let k = 0; k < motions; k++) order.push((compress + 1) * k + 1 + c);
  return order;
}

/**
 * The dense-motion weights for a variant graph: with `order`, the two convolutions that read the
 * hourglass input (the first down block and, through the skip, the decoder at `skipOffset`) take their
 * input channels in that order; with `pad`, every tensor the graph asks for in a larger shape is the
 * official one zero-padded (the official shapes are `entries`).
 */
export function denseMotionVariantWeights(
  weights: WeightSource,
  prefix: string,
  entries: readonly StateDictEntry[],
  options: { readonly order?: readonly number[]; readonly skipOffset: number; readonly pad: boolean },
): WeightSource {
  let source = weights;
  const { order } = options;
  if (order) {
    const reorder =
      (key: string, offset: number): WeightRewrite =>
      (inner, shape) =>
        reorderInputChannels(inner.get(key, shape), offset, order);
    const first = `${prefix}.hourglass.encoder.down_blocks.0.conv.weight`;
    const decoder = `${prefix}.hourglass.decoder.conv.weight`;
    source = rewrittenSource(
      source,
      new Map([
        [first, reorder(first, 0)],
        [decoder, reorder(decoder, options.skipOffset)],
      ]),
    );
  }
  if (!options.pad) return source;
  const pad = (entry: StateDictEntry): WeightRewrite => {
    return (inner, shape) => {
      const official = inner.get(entry.key, entry.shape);
      return shape.every((dim, i) => dim === entry.shape[i]) ? official : zeroPadTensor(official, shape);
    };
  };
  return rewrittenSource(source, new Map(entries.map((entry) => [entry.key, pad(entry)])));
}

/** `kp2gaussian` with its scale folded: `exp(−50 ‖offsets‖²)` over the last axis. */
function gaussian(g: GraphBuilder, offsets: string): string {
  const squared = g.op('ReduceSumSquare', [offsets, g.int64([-1])], { keepdims: 0 });
  return g.op('Exp', [g.mul(squared, g.float(-0.5 / 0.01))]);
}

/** What {@link foldedMotionRepresentation} adds: the hourglass input and the per-motion displacements. */
export interface FoldedMotion {
  /** [N, (1+K)·(compress+1) + padding, D, H, W] in {@link foldedInputOrder}. */
  readonly input: string;
  /** `kp_source − kp_driving` per motion, background (0) first: [N, 1 + K, 3]. */
  readonly displacements: string;
}

/**
 * The motion representation with its coordinate work folded: the background is a keypoint at the
 * origin of both frames (its heatmap is exactly 0, its motion the identity), so one Sub and one Add give
 * all 1 + K sparse motions with no Expand or Concat of volumes; each Gaussian is ReduceSumSquare, Mul,
 * Exp; the warped features enter the hourglass in GridSample's channel order; `padding` zero channels
 * join the same Concat.
 */
export function foldedMotionRepresentation(
  g: GraphBuilder,
  compressed: string,
  keypoints: { readonly driving: string; readonly source: string },
  sizes: { readonly numKp: number; readonly compress: number; readonly padding: number },
  spatial: readonly [number, number, number],
  gridSample: GridSampleMode,
): FoldedMotion {
  const motions = sizes.numKp + 1;
  const [depth, height, width] = spatial;
  const identity = makeCoordinateGrid(depth, height, width);
  const grid = g.coordinate(
    g.initializer(createTensor('float32', [1, 1, depth, height, width, 3], identity.data), 'grid'),
  );
  const withOrigin = (kp: string) => g.concat([g.expandBatch(g.float([0, 0, 0], [1, 1, 3]), kp, 3), kp], 1);
  const [driving, source] = [withOrigin(keypoints.driving), withOrigin(keypoints.source)];
  const asPoints = (kp: string) => g.reshape(kp, [KEEP_BATCH, motions, 1, 1, 1, 3]);
  const fromDriving = g.sub(grid, asPoints(driving));
  const sparseMotion = g.add(fromDriving, asPoints(source));
  const deformed = gridSample3d(
    g,
    compressed,
    g.reshape(sparseMotion, [KEEP_BATCH, motions * depth, height, width, 3]),
    { volume: [sizes.compress, depth, height, width], grid: [motions * depth, height, width] },
    gridSample,
  );
  const features = g.reshape(deformed, [KEEP_BATCH, sizes.compress * motions, depth, height, width]);
  const heatmaps = g.sub(gaussian(g, fromDriving), gaussian(g, g.sub(grid, asPoints(source))));
  const parts = [heatmaps, features];
  if (sizes.padding > 0) {
    const zeros = new Float32Array(sizes.padding * depth * height * width);
    const padding = createTensor('float32', [1, sizes.padding, depth, height, width], zeros);
    parts.push(g.expandBatch(g.initializer(padding, 'channel_padding'), keypoints.driving, 5));
  }
  return { input: g.concat(parts, 1), displacements: g.sub(source, driving) };
}

/**
 * The deformation from the softmax `mask` [N, 1 + K, D, H, W] as `grid + Σₖ maskₖ · displacementₖ`
 * (the mask sums to 1): one float32 MatMul over 1 + K instead of a product the size of all sparse motions.
 * Returns [N, D, H, W, 3].
 */
export function foldedDeformation(
  g: GraphBuilder,
  mask: string,
  displacements: string,
  motions: number,
  spatial: readonly [number, number, number],
): string {
  const [depth, height, width] = spatial;
  const voxels = depth * height * width;
  const weights = g.reshape(mask, [KEEP_BATCH, motions, voxels]);
  const moved = g.keepPrecision(g.matmul(g.transpose(displacements, [0, 2, 1]), weights), 'float32');
  const perVoxel = g.reshape(g.transpose(moved, [0, 2, 1]), [KEEP_BATCH, depth, height, width, 3]);
  const identity = makeCoordinateGrid(depth, height, width);
  const grid = g.coordinate(
    g.initializer(createTensor('float32', [1, depth, height, width, 3], identity.data), 'grid_5d'),
  );
  return g.add(perVoxel, grid);
}
