import { createTensor, type Float32Tensor } from '@joyvasa/core';
import { GraphBuilder } from '@joyvasa/model-builder/onnx';

/** A small model with its reference function, for backend tests. */
export interface TinyModel {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

function ramp(length: number, scale: number, offset = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => Math.sin(i * 0.37 + offset) * scale);
}

/** `y = relu(x W + b)` with x [n, 4], W [4, 3]; `z = softmax(y)` along the last axis. */
export function mlpModel(): TinyModel & {
  weight: Float32Array;
  bias: Float32Array;
  reference(x: Float32Tensor): { y: Float32Array; z: Float32Array };
} {
  const weight = ramp(12, 0.8);
  const bias = ramp(3, 0.1, 1);
  const g = new GraphBuilder('mlp');
  const x = g.input('x', 'float32', ['n', 4]);
  const w = g.initializer(createTensor('float32', [4, 3], weight), 'weight');
  const b = g.initializer(createTensor('float32', [3], bias), 'bias');
  const y = g.relu(g.add(g.matmul(x, w), b));
  g.output(y, 'y', 'float32', ['n', 3]);
  g.output(g.softmax(y, -1), 'z', 'float32', ['n', 3]);
  return {
    name: 'mlp',
    bytes: g.encode(),
    inputNames: ['x'],
    outputNames: ['y', 'z'],
    weight,
    bias,
    reference(input) {
      const rows = input.dims[0]!;
      const y = new Float32Array(rows * 3);
      const z = new Float32Array(rows * 3);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < 3; c++) {
          let sum = bias[c]!;
          for (let k = 0; k < 4; k++) sum += input.data[r * 4 + k]! * weight[k * 3 + c]!;
          y[r * 3 + c] = Math.max(0, sum);
        }
        const max = Math.max(y[r * 3]!, y[r * 3 + 1]!, y[r * 3 + 2]!);
        const exps = [0, 1, 2].map((c) => Math.exp(y[r * 3 + c]! - max));
        const total = exps[0]! + exps[1]! + exps[2]!;
        for (let c = 0; c < 3; c++) z[r * 3 + c] = exps[c]! / total;
      }
      return { y, z };
    },
  };
}

/**
 * The model after {@link mlpModel} in a chain: `w = 2 y + 1` with y [n, 3] (the mlp's `y`), for handing one
 * session's output to another on the device.
 */
export function affineModel(): TinyModel & { reference(y: ArrayLike<number>): Float32Array } {
  const g = new GraphBuilder('affine');
  const y = g.input('y', 'float32', ['n', 3]);
  g.output(g.add(g.mul(y, g.float(2)), g.float(1)), 'w', 'float32', ['n', 3]);
  return {
    name: 'affine',
    bytes: g.encode(),
    inputNames: ['y'],
    outputNames: ['w'],
    reference: (input) => Float32Array.from(input, (value) => 2 * value + 1),
  };
}

/** Gathers rows of a table with int64 indices: `rows = table[index]`. */
export function gatherModel(): TinyModel & { table: Float32Array } {
  const table = ramp(20, 1);
  const g = new GraphBuilder('gather');
  const index = g.input('index', 'int64', ['k']);
  const t = g.initializer(createTensor('float32', [5, 4], table), 'table');
  g.output(g.op('Gather', [t, index], { axis: 0 }), 'rows', 'float32', ['k', 4]);
  return { name: 'gather', bytes: g.encode(), inputNames: ['index'], outputNames: ['rows'], table };
}

/**
 * A convolution network with the operators the LivePortrait renderer leans on (Conv, InstanceNormalization,
 * LeakyRelu, Resize, DepthToSpace, Sigmoid), for cross-backend agreement.
 */
export function convModel(): TinyModel {
  const g = new GraphBuilder('conv');
  const x = g.input('image', 'float32', [1, 3, 16, 16]);
  const w1 = g.initializer(createTensor('float32', [8, 3, 3, 3], ramp(216, 0.3)));
  const b1 = g.initializer(createTensor('float32', [8], ramp(8, 0.05)));
  let h = g.op('Conv', [x, w1, b1], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  h = g.op(
    'InstanceNormalization',
    [h, g.float(new Array(8).fill(1), [8]), g.float(new Array(8).fill(0), [8])],
    {
      epsilon: { float: 1e-5 },
    },
  );
  h = g.leakyRelu(h, 0.2);
  h = g.op('Resize', [h, '', g.float([1, 1, 2, 2], [4])], { mode: 'nearest' });
  const w2 = g.initializer(createTensor('float32', [12, 8, 3, 3], ramp(864, 0.2, 2)));
  h = g.op('Conv', [h, w2], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] });
  h = g.op('DepthToSpace', [h], { blocksize: 2, mode: 'CRD' });
  g.output(g.sigmoid(h), 'out', 'float32', [1, 3, 64, 64]);
  return { name: 'conv', bytes: g.encode(), inputNames: ['image'], outputNames: ['out'] };
}

/** A deterministic test input of the given dims. */
export function testInput(dims: readonly number[], offset = 0): Float32Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return createTensor('float32', dims, ramp(size, 1, offset));
}
