import { type GraphBuilder, KEEP_BATCH } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { batchNorm, conv } from '../layers.js';

/**
 * The convolution blocks of LivePortrait's `util.py` (SameBlock2d, DownBlock2d/3d, UpBlock3d, ResBlock3d).
 * 5-D pooling and upsampling only touch the last two axes, so they run as 4-D ops on a
 * [N, C·D, H, W] view: the same numbers, and ops every execution provider (WebGPU included) supports.
 */

/** `nn.LeakyReLU()`'s default slope. */
const leakySlope = 0.01;

/** Spatial size of an NCHW / NCDHW value: [H, W] or [D, H, W]. */
export type SpatialDims = readonly number[];

/** Conv (k3, p1 unless given) → BatchNorm (eps 1e-5) → ReLU or LeakyReLU 0.01; keys `prefix.conv`, `prefix.norm`. */
export function convNormAct(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  inChannels: number,
  outChannels: number,
  options: { rank: 2 | 3; kernel?: number; activation?: 'relu' | 'leakyRelu' },
): string {
  const size = options.kernel ?? 3;
  const kernel = new Array<number>(options.rank).fill(size);
  let h = conv(g, weights, `${prefix}.conv`, x, {
    inChannels,
    outChannels,
    kernel,
    padding: (size - 1) / 2,
  });
  h = batchNorm(g, weights, `${prefix}.norm`, h, outChannels);
  return options.activation === 'leakyRelu' ? g.leakyRelu(h, leakySlope) : g.relu(h);
}

/** Folds the leading spatial axes of [N, C, ...lead, H, W] into channels: [N, C·∏lead, H, W]. */
function foldTo4d(g: GraphBuilder, x: string, channels: number, spatial: SpatialDims): string {
  if (spatial.length === 2) return x;
  const lead = spatial.slice(0, -2).reduce((a, b) => a * b, channels);
  return g.reshape(x, [KEEP_BATCH, lead, spatial.at(-2)!, spatial.at(-1)!]);
}

/** 2×2 average pooling of the last two axes (`AvgPool2d(2)` / `AvgPool3d((1, 2, 2))`). */
export function averagePoolHalf(g: GraphBuilder, x: string, channels: number, spatial: SpatialDims): string {
  const pooled = g.op('AveragePool', [foldTo4d(g, x, channels, spatial)], {
    kernel_shape: [2, 2],
    strides: [2, 2],
  });
  if (spatial.length === 2) return pooled;
  const out = [...spatial.slice(0, -2), spatial.at(-2)! / 2, spatial.at(-1)! / 2];
  return g.reshape(pooled, [KEEP_BATCH, channels, ...out]);
}

/**
 * Nearest upsampling of the last two axes by an integer `factor` (`F.interpolate(mode='nearest')`):
 * Resize with `asymmetric` coordinates and `floor` rounding, which is PyTorch's source-index rule.
 */
export function upsampleNearest(
  g: GraphBuilder,
  x: string,
  channels: number,
  spatial: SpatialDims,
  factor: number,
): string {
  const resized = g.op('Resize', [foldTo4d(g, x, channels, spatial), '', g.float([1, 1, factor, factor])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
  if (spatial.length === 2) return resized;
  const out = [...spatial.slice(0, -2), spatial.at(-2)! * factor, spatial.at(-1)! * factor];
  return g.reshape(resized, [KEEP_BATCH, channels, ...out]);
}

/** DownBlock2d / DownBlock3d: conv k3 → BN → ReLU → 2×2 average pool of the last two axes. */
export function downBlock(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  inChannels: number,
  outChannels: number,
  spatial: SpatialDims,
): string {
  const rank = spatial.length as 2 | 3;
  const h = convNormAct(g, weights, prefix, x, inChannels, outChannels, { rank });
  return averagePoolHalf(g, h, outChannels, spatial);
}

/** UpBlock3d: nearest ×2 upsample of H and W → conv k3 → BN → ReLU. `spatial` is the input's [D, H, W]. */
export function upBlock3d(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  inChannels: number,
  outChannels: number,
  spatial: SpatialDims,
): string {
  const up = upsampleNearest(g, x, inChannels, spatial, 2);
  return convNormAct(g, weights, prefix, up, inChannels, outChannels, { rank: 3 });
}

/** ResBlock3d (pre-activation): `x + conv2(relu(norm2(conv1(relu(norm1(x))))))`, convs k3 p1. */
export function resBlock3d(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  channels: number,
): string {
  const options = { inChannels: channels, outChannels: channels, kernel: [3, 3, 3], padding: 1 };
  let h = g.relu(batchNorm(g, weights, `${prefix}.norm1`, x, channels));
  h = conv(g, weights, `${prefix}.conv1`, h, options);
  h = g.relu(batchNorm(g, weights, `${prefix}.norm2`, h, channels));
  h = conv(g, weights, `${prefix}.conv2`, h, options);
  return g.add(h, x);
}
