// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { tinyWarpingConfig } from '../../test/tiny-warping-config.js';
import { buildWarpingModule } from '../architectures/liveportrait/warping-module.js';
import { formulaInput } from '../synthetic/formula.js';
import { createFormulaSource } from '../synthetic/formula-source.js';
import { FLOAT32_OPS, toFloat16Graph } from './float16-graph.js';
import { toHalfBits } from './half-float.js';

const feeds = {
  feature_3d: formulaInput('tiny', 'feature_3d', [1, 4, 3, 8, 8]),
  kp_driving: formulaInput('tiny', 'kp_driving', [1, 3, 3], -0.9, 0.9),
  kp_source: formulaInput('tiny', 'kp_source', [1, 3, 3], -0.9, 0.9),
};
const warping = () => buildWarpingModule(createFormulaSource('tiny', new Map(), 'random'), tinyWarpingConfig);

function maxAbsDiff(a: TensorLike, b: TensorLike): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++)
    worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return worst;
}

describe('toHalfBits', () => {
  it('rounds to the nearest binary16, ties to even, with subnormals and overflow', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(2 ** -26)).toBe(0);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1).
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toHalfBits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });
});

describe('toFloat16Graph', () => {
  it('stores the weights in float16 and keeps normalisations, softmax and sampling in float32', () => {
    const graph = warping().build();
    const half = toFloat16Graph(graph, { coordinates: ['kp_driving', 'kp_source', 'grid'] });
    const types = new Map([...half.initializers].map(([name, tensor]) => [name, tensor.type]));
    const convWeights = half.nodes.filter((node) => node.opType === 'Conv').map((node) => node.inputs[1]!);
    expect(convWeights.length).toBeGreaterThan(0);
    for (const weight of convWeights) expect(types.get(weight)).toBe('float16');
    // Every float input of a float32 op comes from a float32 value: a graph input, a float32
    // initializer, a float32 node or a Cast to float32 (to = 1).
    const producers = new Map(half.nodes.flatMap((node) => node.outputs.map((out) => [out, node])));
    const float32Node = (name: string) => {
      const node = producers.get(name);
      if (!node) return types.get(name) !== 'float16';
      return node.opType === 'Cast' ? (node.attributes.to as { int: number }).int === 1 : undefined;
    };
    const kept = half.nodes.filter((node) => FLOAT32_OPS.has(node.opType));
    expect(kept.map((node) => node.opType).sort()).toEqual(['GridSample', 'GridSample', 'Softmax']);
    for (const node of kept) for (const input of node.inputs) expect(float32Node(input)).not.toBe(false);
    expect(half.inputs).toEqual(graph.inputs);
    expect(half.outputs).toEqual(graph.outputs);
  });

  it('computes the warping module to float16 accuracy, inputs and outputs in float32', async () => {
    const g = warping();
    const backend = createOnnxNodeBackend();
    const run = async (bytes: Uint8Array) => {
      const session = await backend.createSession(bytes, { device: 'cpu' });
      const outputs = await session.run(feeds);
      await session.dispose();
      return outputs;
    };
    const [full, half] = [await run(g.encode()), await run(g.encode({ dtype: 'fp16' }))];
    for (const name of ['out', 'occlusion_map', 'deformation']) {
      expect(half[name]!.type).toBe('float32');
      expect(half[name]!.dims).toEqual(full[name]!.dims);
      const difference = maxAbsDiff(full[name]!, half[name]!);
      expect(difference).toBeGreaterThan(0);
      expect(difference).toBeLessThan(2e-3);
    }
  });
});
