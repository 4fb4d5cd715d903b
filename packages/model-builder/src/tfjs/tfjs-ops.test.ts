// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { convertTfjsGraph } from './convert-tfjs-graph.js';
import * as reference from './nhwc-reference.js';
import { readTfjsGraphModel, type TfjsAttribute, type TfjsNode } from './tfjs-graph-model.js';
import { TfjsModelError } from './tfjs-model-error.js';

type Constant = { dtype: 'float32' | 'int32'; dims: number[]; data: number[] | Float32Array };

const s = (value: string): TfjsAttribute => ({ s: btoa(value) });
const ints = (values: readonly number[]): TfjsAttribute => ({ list: { i: values.map(String) } });

/** Deterministic values in [−1, 1). */
function values(count: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** A one-input model.json with constants as weights, read back through the reader. */
async function tfjsModel(inputDims: number[], nodes: TfjsNode[], constants: Record<string, Constant>) {
  const bytes: number[] = [];
  const weights = Object.entries(constants).map(([name, constant]) => {
    const view = new DataView(new ArrayBuffer(constant.data.length * 4));
    for (const [i, value] of Array.from(constant.data).entries()) {
      if (constant.dtype === 'int32') view.setInt32(i * 4, value, true);
      else view.setFloat32(i * 4, value, true);
    }
    bytes.push(...new Uint8Array(view.buffer));
    return { name, shape: constant.dims, dtype: constant.dtype };
  });
  const json = {
    format: 'graph-model',
    modelTopology: {
      node: [
        {
          name: 'x',
          op: 'Placeholder',
          attr: { shape: { shape: { dim: inputDims.map((size) => ({ size: String(size) })) } } },
        },
        ...Object.keys(constants).map((name) => ({ name, op: 'Const' })),
        ...nodes,
      ],
    },
    weightsManifest: [{ paths: ['w.bin'], weights }],
  };
  return readTfjsGraphModel('test', json, async () => Uint8Array.from(bytes));
}

/** Converts, runs on onnxruntime-node (cpu) and returns the last node's output. */
async function run(
  inputDims: number[],
  input: Float32Array,
  nodes: TfjsNode[],
  constants: Record<string, Constant> = {},
) {
  const model = await tfjsModel(inputDims, nodes, constants);
  const graph = convertTfjsGraph(model, { name: 'op' });
  const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
  const outputs = await session.run({ x: createTensor('float32', inputDims, input) });
  await session.dispose();
  const last = nodes[nodes.length - 1]!.name;
  return outputs[last]!;
}

function expectClose(
  actual: { dims: readonly number[]; data: unknown },
  expected: { dims: readonly number[]; data: Float32Array },
) {
  expect(actual.dims).toEqual(expected.dims);
  const data = actual.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - expected.data[i]!));
  expect(worst).toBeLessThan(1e-4);
}

const conv = (
  op: string,
  padding: string,
  strides: number[],
  extra: Record<string, TfjsAttribute> = {},
  input = ['x', 'f'],
) => ({
  name: 'y',
  op,
  input,
  attr: { padding: s(padding), strides: ints(strides), data_format: s('NHWC'), ...extra },
});

describe('TF.js op conversion against NHWC references', () => {
  const x = values(1 * 7 * 6 * 3, 1);
  const xDims = [1, 7, 6, 3];
  const nhwc: reference.Nhwc = { dims: [1, 7, 6, 3], data: x };

  for (const padding of ['SAME', 'VALID'] as const)
    for (const stride of [1, 2]) {
      it(`Conv2D 3x3, ${padding}, stride ${stride} (odd sizes: SAME's extra pixel at the end)`, async () => {
        const f = values(3 * 3 * 3 * 4, 2);
        const y = await run(xDims, x, [conv('Conv2D', padding, [1, stride, stride, 1])], {
          f: { dtype: 'float32', dims: [3, 3, 3, 4], data: f },
        });
        expectClose(y, reference.conv2d(nhwc, f, [3, 3, 3, 4], { strides: [stride, stride], padding }));
      });
      it(`DepthwiseConv2dNative 5x5 multiplier 2, ${padding}, stride ${stride}`, async () => {
        const f = values(5 * 5 * 3 * 2, 3);
        const y = await run(xDims, x, [conv('DepthwiseConv2dNative', padding, [1, stride, stride, 1])], {
          f: { dtype: 'float32', dims: [5, 5, 3, 2], data: f },
        });
        expectClose(y, reference.conv2d(nhwc, f, [5, 5, 3, 2], { strides: [stride, stride], padding }, true));
      });
      it(`MaxPool 3x3, ${padding}, stride ${stride}`, async () => {
        const node = {
          name: 'y',
          op: 'MaxPool',
          input: ['x'],
          attr: { padding: s(padding), strides: ints([1, stride, stride, 1]), ksize: ints([1, 3, 3, 1]) },
        };
        const y = await run(xDims, x, [node]);
        expectClose(y, reference.maxPool(nhwc, 3, 3, { strides: [stride, stride], padding }));
      });
    }

  it('_FusedConv2D with BiasAdd + Prelu, and with BiasAdd + Relu', async () => {
    const f = values(1 * 1 * 3 * 4, 4);
    const bias = values(4, 5);
    const alpha = Float32Array.of(0.1, 0.2, 0.3, 0.4);
    const constants: Record<string, Constant> = {
      f: { dtype: 'float32', dims: [1, 1, 3, 4], data: f },
      b: { dtype: 'float32', dims: [4], data: bias },
      a: { dtype: 'float32', dims: [4], data: alpha },
    };
    const plain = reference.conv2d(nhwc, f, [1, 1, 3, 4], { strides: [1, 1], padding: 'SAME' });
    const biased = plain.data.map((value, i) => value + bias[i % 4]!);
    const prelu = await run(
      xDims,
      x,
      [
        conv(
          '_FusedConv2D',
          'SAME',
          [1, 1, 1, 1],
          { fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Prelu')] } } },
          ['x', 'f', 'b', 'a'],
        ),
      ],
      constants,
    );
    expectClose(prelu, { dims: plain.dims, data: biased.map((v, i) => (v >= 0 ? v : v * alpha[i % 4]!)) });
    const relu = await run(
      xDims,
      x,
      [
        conv(
          '_FusedConv2D',
          'SAME',
          [1, 1, 1, 1],
          { fused_ops: { list: { s: [btoa('BiasAdd'), btoa('Relu')] } } },
          ['x', 'f', 'b'],
        ),
      ],
      constants,
    );
    expectClose(relu, { dims: plain.dims, data: biased.map((v) => Math.max(v, 0)) });
  });

  for (const rule of ['half_pixel', 'align_corners', 'asymmetric'] as const)
    it(`ResizeBilinear 7x6 → 12x13, ${rule}`, async () => {
      const attr = {
        half_pixel_centers: { b: rule === 'half_pixel' },
        align_corners: { b: rule === 'align_corners' },
      };
      const y = await run(xDims, x, [{ name: 'y', op: 'ResizeBilinear', input: ['x', 'size'], attr }], {
        size: { dtype: 'int32', dims: [2], data: [12, 13] },
      });
      expectClose(y, reference.resizeBilinear(nhwc, 12, 13, rule));
    });

  it('Pad (zeros) and PadV2 (a fill value)', async () => {
    const pairs = [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 1],
    ] as const;
    const paddings: Constant = { dtype: 'int32', dims: [4, 2], data: pairs.flat() };
    const zero = await run(xDims, x, [{ name: 'y', op: 'Pad', input: ['x', 'p'] }], { p: paddings });
    expectClose(zero, reference.pad(x, xDims, pairs, 0));
    const filled = await run(xDims, x, [{ name: 'y', op: 'PadV2', input: ['x', 'p', 'v'] }], {
      p: paddings,
      v: { dtype: 'float32', dims: [], data: [-3.5] },
    });
    expectClose(filled, reference.pad(x, xDims, pairs, -3.5));
  });

  it('Relu, Sigmoid, LeakyRelu, Prelu and AddV2 element-wise', async () => {
    const alpha = Float32Array.of(0.5, -0.25, 2);
    const bias = values(3, 6);
    const y = await run(
      xDims,
      x,
      [
        { name: 'r', op: 'LeakyRelu', input: ['x'], attr: { alpha: { f: 0.1 } } },
        { name: 'p', op: 'Prelu', input: ['r', 'a'] },
        { name: 'q', op: 'AddV2', input: ['p', 'b'] },
        { name: 's', op: 'Sigmoid', input: ['q'] },
        { name: 'y', op: 'Relu', input: ['s'] },
      ],
      { a: { dtype: 'float32', dims: [3], data: alpha }, b: { dtype: 'float32', dims: [3], data: bias } },
    );
    const expected = x.map((value, i) => {
      const leaky = value >= 0 ? value : 0.1 * value;
      const prelu = leaky >= 0 ? leaky : leaky * alpha[i % 3]!;
      return Math.max(1 / (1 + Math.exp(-(prelu + bias[i % 3]!))), 0);
    });
    expectClose(y, { dims: xDims, data: expected });
  });

  it('Transpose, Reshape with a SparseToDense + AddV2 target (folded), ConcatV2 and SplitV', async () => {
    const y = await run(
      xDims,
      x,
      [
        { name: 't', op: 'Transpose', input: ['x', 'perm'] },
        { name: 'dense', op: 'SparseToDense', input: ['where', 'shape', 'vals', 'zero'] },
        { name: 'target', op: 'AddV2', input: ['base', 'dense'] },
        { name: 'r', op: 'Reshape', input: ['t', 'target'] },
        { name: 'sp', op: 'SplitV', input: ['r', 'sizes', 'axis'], attr: { num_split: { i: '2' } } },
        { name: 'y', op: 'ConcatV2', input: ['sp:1', 'sp', 'axis'] },
      ],
      {
        perm: { dtype: 'int32', dims: [4], data: [0, 3, 1, 2] },
        where: { dtype: 'int32', dims: [1, 1], data: [2] },
        shape: { dtype: 'int32', dims: [1], data: [3] },
        vals: { dtype: 'int32', dims: [1], data: [40] },
        zero: { dtype: 'int32', dims: [], data: [0] },
        base: { dtype: 'int32', dims: [3], data: [1, 3, 2] },
        sizes: { dtype: 'int32', dims: [2], data: [10, 32] },
        axis: { dtype: 'int32', dims: [], data: [2] },
      },
    );
    const t = reference.transpose(x, xDims, [0, 3, 1, 2]);
    const rows = [0, 1, 2].map((row) => t.data.subarray(row * 42, row * 42 + 42));
    const expected = Float32Array.from(rows.flatMap((row) => [...row.subarray(10), ...row.subarray(0, 10)]));
    expectClose(y, { dims: [1, 3, 42], data: expected });
  });

  it('rejects an op outside the supported list, naming the node', async () => {
    const model = await tfjsModel([1, 2], [{ name: 'odd', op: 'Softplus', input: ['x'] }], {});
    expect(() => convertTfjsGraph(model, { name: 'op' })).toThrow(TfjsModelError);
    expect(() => convertTfjsGraph(model, { name: 'op' })).toThrow(/odd.*Softplus/s);
  });
});
