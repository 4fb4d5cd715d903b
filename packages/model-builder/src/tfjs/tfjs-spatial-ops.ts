import type { Attributes, GraphBuilder } from '../onnx/graph-builder.js';
import type { NodeAttributes } from './tfjs-attributes.js';
import {
  type ConversionContext,
  inNchw,
  numbers,
  type TfjsOpConverter,
  type TfValue,
} from './tfjs-conversion.js';
import type { TfjsNode } from './tfjs-graph-model.js';
import { TfjsModelError } from './tfjs-model-error.js';
import type { TfjsTensor } from './tfjs-weights.js';

/**
 * ONNX padding attributes for TF's `padding`: SAME is ONNX's SAME_UPPER (total `max((⌈in/s⌉−1)·s + k − in, 0)`,
 * the odd pixel at the end); EXPLICIT reads `explicit_paddings` (NHWC pairs).
 */
function paddingAttributes(node: TfjsNode, attributes: NodeAttributes): Attributes {
  const padding = attributes.string('padding');
  if (padding === 'SAME') return { auto_pad: 'SAME_UPPER' };
  if (padding === 'VALID') return { auto_pad: 'VALID' };
  if (padding === 'EXPLICIT') {
    const p = attributes.ints('explicit_paddings');
    return { pads: [p[2]!, p[4]!, p[3]!, p[5]!] };
  }
  throw new TfjsModelError(node.name, `${node.op}: padding ${padding} is not supported`);
}

function requireNhwc(node: TfjsNode, attributes: NodeAttributes): void {
  const format = attributes.string('data_format', 'NHWC');
  if (format !== 'NHWC')
    throw new TfjsModelError(node.name, `${node.op}: data_format ${format} is not supported`);
}

/** HWIO (TF Conv2D) → OIHW, or HWCM (depthwise) → (C·M)×1×H×W: output channel `c·M + m`, as ONNX groups. */
export function onnxConvWeight(filter: TfjsTensor, depthwise: boolean): TfjsTensor {
  const [kh, kw, inC, outC] = filter.dims as [number, number, number, number];
  const data = new Float32Array(filter.data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < inC; i++)
        for (let o = 0; o < outC; o++) {
          const from = ((h * kw + w) * inC + i) * outC + o;
          // Depthwise: (channel i, multiplier o) is output channel i·M + o with one input channel.
          const to = depthwise ? ((i * outC + o) * kh + h) * kw + w : ((o * inC + i) * kh + h) * kw + w;
          data[to] = filter.data[from]!;
        }
  const dims = depthwise ? [inC * outC, 1, kh, kw] : [outC, inC, kh, kw];
  return { dtype: 'float32', dims, data };
}

function convolution(
  context: ConversionContext,
  node: TfjsNode,
  inputs: readonly TfValue[],
  attributes: NodeAttributes,
  depthwise: boolean,
): string {
  requireNhwc(node, attributes);
  const filter = context.constant(inputs[1], 'the filter');
  const weight = context.value({ constant: onnxConvWeight(filter, depthwise) });
  const strides = attributes.ints('strides', [1, 1, 1, 1]);
  const dilations = attributes.ints('dilations', [1, 1, 1, 1]);
  const conv: Attributes = {
    kernel_shape: [filter.dims[0]!, filter.dims[1]!],
    strides: [strides[1]!, strides[2]!],
    dilations: [dilations[1]!, dilations[2]!],
    group: depthwise ? filter.dims[2]! : 1,
    ...paddingAttributes(node, attributes),
  };
  return inNchw(context.g, context.value(inputs[0]), (x) => context.g.op('Conv', [x, weight], conv));
}

/** `_FusedConv2D` / `FusedDepthwiseConv2dNative`: the convolution, then `fused_ops` (BiasAdd, Relu, Prelu). */
function fusedConvolution(depthwise: boolean): TfjsOpConverter {
  return (context, node, inputs, attributes) => {
    let y = convolution(context, node, inputs, attributes, depthwise);
    const ops = attributes.strings('fused_ops');
    let next = 2;
    for (const op of ops) {
      if (op === 'BiasAdd') y = context.g.add(y, context.value(inputs[next++]));
      else if (op === 'Relu') y = context.g.relu(y);
      else if (op === 'Prelu') y = context.g.op('PRelu', [y, context.value(inputs[next++])]);
      else throw new TfjsModelError(node.name, `${node.op}: fused op ${op} is not supported`);
    }
    return [{ onnx: y }];
  };
}

const maxPool: TfjsOpConverter = (context, node, inputs, attributes) => {
  requireNhwc(node, attributes);
  const k = attributes.ints('ksize');
  const s = attributes.ints('strides');
  const pool: Attributes = {
    kernel_shape: [k[1]!, k[2]!],
    strides: [s[1]!, s[2]!],
    ...paddingAttributes(node, attributes),
  };
  return [{ onnx: inNchw(context.g, context.value(inputs[0]), (x) => context.g.op('MaxPool', [x], pool)) }];
};

/** `Pad` / `PadV2`: `[rank, 2]` begin/end pairs → ONNX's begins-then-ends; PadV2's fill value. */
const pad: TfjsOpConverter = (context, _node, inputs) => {
  const pairs = numbers(context.constant(inputs[1], 'the paddings'));
  const begins = pairs.filter((_, i) => i % 2 === 0);
  const ends = pairs.filter((_, i) => i % 2 === 1);
  const args = [context.value(inputs[0]), context.g.int64([...begins, ...ends])];
  if (inputs[2]) args.push(context.value(inputs[2]));
  return [{ onnx: context.g.op('Pad', args, { mode: 'constant' }) }];
};

/** TF's coordinate rule of ResizeBilinear as ONNX's `coordinate_transformation_mode`. */
function resizeCoordinates(attributes: NodeAttributes): string {
  if (attributes.bool('align_corners')) return 'align_corners';
  return attributes.bool('half_pixel_centers') ? 'half_pixel' : 'asymmetric';
}

const resizeBilinear: TfjsOpConverter = (context, _node, inputs, attributes) => {
  const size = numbers(context.constant(inputs[1], 'the size'));
  const mode = resizeCoordinates(attributes);
  const g: GraphBuilder = context.g;
  const y = inNchw(g, context.value(inputs[0]), (x) => {
    const batchChannels = g.slice(g.op('Shape', [x]), [0], [2], [0]);
    const sizes = g.concat([batchChannels, g.int64(size)], 0);
    return g.op('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: mode });
  });
  return [{ onnx: y }];
};

/** Converters of the image ops, by TF op name. */
export const spatialOps: Readonly<Record<string, TfjsOpConverter>> = {
  Conv2D: (context, node, inputs, attributes) => [
    { onnx: convolution(context, node, inputs, attributes, false) },
  ],
  DepthwiseConv2dNative: (context, node, inputs, attributes) => [
    { onnx: convolution(context, node, inputs, attributes, true) },
  ],
  _FusedConv2D: fusedConvolution(false),
  FusedDepthwiseConv2dNative: fusedConvolution(true),
  MaxPool: maxPool,
  Pad: pad,
  PadV2: pad,
  ResizeBilinear: resizeBilinear,
};
