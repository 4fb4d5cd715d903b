import { createTensor, type Float32Tensor } from '@joyvasa/core';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { WeightSource } from '../weights/weight-source.js';

/**
 * Layer helpers shared by the architecture definitions. Each reads its weights by the official state-dict
 * key (`prefix` + `.weight`, …) and adds the equivalent ONNX nodes. Shapes follow PyTorch's layouts.
 */

/** Transposes a [rows, cols] tensor. */
export function transpose2d(tensor: Float32Tensor): Float32Tensor {
  const [rows, cols] = tensor.dims as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = tensor.data[r * cols + c]!;
  }
  return createTensor('float32', [cols, rows], out);
}

/** `nn.Linear(inFeatures, outFeatures)`: `x Wᵀ + b` on the last axis. */
export function linear(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  inFeatures: number,
  outFeatures: number,
  bias = true,
): string {
  const weight = transpose2d(weights.get(`${prefix}.weight`, [outFeatures, inFeatures]));
  const product = g.matmul(x, g.initializer(weight, `${prefix}.weight`));
  if (!bias) return product;
  return g.add(product, g.initializer(weights.get(`${prefix}.bias`, [outFeatures]), `${prefix}.bias`));
}

/** Options of {@link conv}. Sizes are per spatial axis; a number applies to every axis. */
export interface ConvOptions {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Kernel size per spatial axis; its length sets 1-D, 2-D or 3-D. */
  readonly kernel: readonly number[];
  readonly stride?: number;
  readonly padding?: number;
  readonly groups?: number;
  readonly bias?: boolean;
}

/** `nn.Conv1d/2d/3d` with symmetric zero padding. */
export function conv(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  options: ConvOptions,
): string {
  const rank = options.kernel.length;
  const groups = options.groups ?? 1;
  const weight = weights.get(`${prefix}.weight`, [
    options.outChannels,
    options.inChannels / groups,
    ...options.kernel,
  ]);
  return convWithWeight(g, x, weight, options, prefix, (options.bias ?? true) ? weights : undefined, rank);
}

/** A convolution with an already prepared weight (e.g. spectral norm baked in); bias read from `prefix.bias`. */
export function convWithWeight(
  g: GraphBuilder,
  x: string,
  weight: Float32Tensor,
  options: ConvOptions,
  prefix: string,
  biasSource: WeightSource | undefined,
  rank = options.kernel.length,
): string {
  const padding = options.padding ?? 0;
  const bias = biasSource?.get(`${prefix}.bias`, [options.outChannels]);
  if (rank === 3 && g.options.conv3dAsConv2d) return conv3dAsConv2d(g, x, weight, bias, options, prefix);
  const inputs = [x, g.initializer(weight, `${prefix}.weight`)];
  if (bias) inputs.push(g.initializer(bias, `${prefix}.bias`));
  return g.op('Conv', inputs, {
    kernel_shape: options.kernel,
    strides: new Array(rank).fill(options.stride ?? 1),
    pads: new Array(rank * 2).fill(padding),
    group: options.groups ?? 1,
  });
}

/** `nn.BatchNorm1d/2d/3d` in eval mode (running statistics). */
export function batchNorm(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  channels: number,
  epsilon = 1e-5,
): string {
  const get = (name: string) =>
    g.initializer(weights.get(`${prefix}.${name}`, [channels]), `${prefix}.${name}`);
  return g.op(
    'BatchNormalization',
    [x, get('weight'), get('bias'), get('running_mean'), get('running_var')],
    {
      epsilon: { float: epsilon },
    },
  );
}

/** `nn.LayerNorm(dim)` over the last axis. */
export function layerNorm(
  g: GraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: string,
  dim: number,
  epsilon: number,
): string {
  const scale = g.initializer(weights.get(`${prefix}.weight`, [dim]), `${prefix}.weight`);
  const bias = g.initializer(weights.get(`${prefix}.bias`, [dim]), `${prefix}.bias`);
  return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: epsilon } });
}

/** `nn.InstanceNorm2d(channels, affine=False)`: per-sample, per-channel normalisation over the spatial axes. */
export function instanceNorm(g: GraphBuilder, x: string, channels: number, epsilon = 1e-5): string {
  const ones = g.float(new Array(channels).fill(1), [channels]);
  const zeros = g.float(new Array(channels).fill(0), [channels]);
  return g.op('InstanceNormalization', [x, ones, zeros], { epsilon: { float: epsilon } });
}

/**
 * A linear layer with already prepared PyTorch-layout weights (`weight` [out, in], `bias` [out]), e.g. one
 * slice of a packed `in_proj_weight`: `x Wᵀ + b` on the last axis. `name` names the initializers.
 */
export function linearWithWeight(
  g: GraphBuilder,
  x: string,
  weight: Float32Tensor,
  bias: Float32Tensor | undefined,
  name: string,
): string {
  const product = g.matmul(x, g.initializer(transpose2d(weight), `${name}.weight`));
  return bias ? g.add(product, g.initializer(bias, `${name}.bias`)) : product;
}

/** Rows `start .. end - 1` of a [rows, cols] (or [rows]) tensor, copied. */
export function sliceRows(tensor: Float32Tensor, start: number, end: number): Float32Tensor {
  const cols = tensor.dims.length > 1 ? tensor.data.length / tensor.dims[0]! : 1;
  const data = tensor.data.slice(start * cols, end * cols);
  return createTensor(
    'float32',
    tensor.dims.length > 1 ? [end - start, ...tensor.dims.slice(1)] : [end - start],
    data,
  );
}

/**
 * A 3-D convolution (stride 1, groups 1, same padding on every axis) as a sum of 2-D convolutions, one per
 * depth tap: the input [1, C, D, H, W] becomes a batch of D slices [D, C, H, W] (zero-padded in depth), tap k
 * convolves slices k … k + D − 1 with the kernel's k-th depth plane, and the taps add up. The same sums
 * as Conv3D in another order, on the 2-D kernels every execution provider optimises.
 */
function conv3dAsConv2d(
  g: GraphBuilder,
  x: string,
  weight: Float32Tensor,
  bias: Float32Tensor | undefined,
  options: ConvOptions,
  prefix: string,
): string {
  const [outChannels, inChannels, depthTaps, kh, kw] = weight.dims as [
    number,
    number,
    number,
    number,
    number,
  ];
  if ((options.stride ?? 1) !== 1 || (options.groups ?? 1) !== 1) {
    throw new Error(`${prefix}: only stride-1 ungrouped 3-D convolutions can be split into 2-D ones`);
  }
  const padding = options.padding ?? 0;
  const slices = g.squeeze(g.transpose(x, [0, 2, 1, 3, 4]), [0]);
  const padded = padding > 0 ? g.op('Pad', [slices, g.int64([padding, 0, 0, 0, padding, 0, 0, 0])]) : slices;
  const depth = g.op('Sub', [g.op('Shape', [padded], { start: 0, end: 1 }), g.int64([depthTaps - 1])]);
  const plane = kh * kw;
  let sum = '';
  for (let tap = 0; tap < depthTaps; tap++) {
    const planeWeight = new Float32Array(outChannels * inChannels * plane);
    for (let o = 0; o < outChannels; o++) {
      for (let i = 0; i < inChannels; i++) {
        const from = ((o * inChannels + i) * depthTaps + tap) * plane;
        planeWeight.set(weight.data.subarray(from, from + plane), (o * inChannels + i) * plane);
      }
    }
    const window = g.op('Slice', [padded, g.int64([tap]), g.add(depth, g.int64([tap])), g.int64([0])]);
    const tapWeight = g.initializer(
      createTensor('float32', [outChannels, inChannels, kh, kw], planeWeight),
      `${prefix}.weight.tap${tap}`,
    );
    const output = g.op('Conv', [window, tapWeight], {
      kernel_shape: [kh, kw],
      pads: [padding, padding, padding, padding],
      strides: [1, 1],
    });
    sum = sum ? g.add(sum, output) : output;
  }
  if (bias) {
    sum = g.add(
      sum,
      g.initializer(createTensor('float32', [1, outChannels, 1, 1], bias.data), `${prefix}.bias`),
    );
  }
  return g.transpose(g.unsqueeze(sum, [0]), [0, 2, 1, 3, 4]);
}
