import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { tinyWarpingConfig } from '../../../test/tiny-warping-config.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import type { GridSampleMode } from './grid-sample-3d.js';
import { buildWarpingModule, warpingModuleDefaultConfig } from './warping-module.js';

const feeds = {
  feature_3d: formulaInput('tiny', 'feature_3d', [1, 4, 3, 8, 8]),
  // Keypoints up to 0.9 apart, so some warped points leave the volume and zero padding matters.
  kp_driving: formulaInput('tiny', 'kp_driving', [1, 3, 3], -0.9, 0.9),
  kp_source: formulaInput('tiny', 'kp_source', [1, 3, 3], -0.9, 0.9),
};

async function warp(gridSample: GridSampleMode) {
  const graph = buildWarpingModule(createFormulaSource('tiny'), { ...tinyWarpingConfig, gridSample });
  const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
  const outputs = await session.run(feeds);
  await session.dispose();
  return { outputs, inventory: graph.opInventory() };
}

function maxAbsDiff(a: TensorLike, b: TensorLike): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++)
    worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
  return worst;
}

/** Tensors of batch 1 stacked along axis 0. */
function stack(tensors: readonly TensorLike[]): TensorLike {
  const data = new Float32Array(tensors.reduce((sum, t) => sum + t.data.length, 0));
  let offset = 0;
  for (const t of tensors) {
    data.set(t.data as Float32Array, offset);
    offset += t.data.length;
  }
  return createTensor('float32', [tensors.length, ...tensors[0]!.dims.slice(1)], data);
}

function spread(t: TensorLike): number {
  const values = Array.from(t.data as Float32Array);
  return Math.max(...values) - Math.min(...values);
}

describe('buildWarpingModule', () => {
  it('gives out, occlusion_map and deformation with the bundle shapes on a tiny config', async () => {
    const { outputs } = await warp('native');
    expect(outputs.out!.dims).toEqual([1, 8, 8, 8]);
    expect(outputs.occlusion_map!.dims).toEqual([1, 1, 8, 8]);
    expect(outputs.deformation!.dims).toEqual([1, 3, 8, 8, 3]);
    expect(Array.from(outputs.occlusion_map!.data as Float32Array).every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('computes the same function with Gather sampling as with ONNX GridSample', async () => {
    const [native, gather] = [await warp('native'), await warp('gather')];
    expect(native.inventory.GridSample).toBe(2);
    expect(gather.inventory.GridSample).toBeUndefined();
    for (const name of ['out', 'occlusion_map', 'deformation']) {
      expect(spread(native.outputs[name]!)).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(native.outputs[name]!, gather.outputs[name]!)).toBeLessThan(1e-5);
    }
  });

  it('pools and upsamples the 5-D hourglass volumes as 4-D views (no 5-D AveragePool or Resize)', () => {
    const graph = buildWarpingModule(createFormulaSource('tiny'), {
      ...tinyWarpingConfig,
      gridSample: 'gather',
    }).build();
    const pools = graph.nodes.filter((node) => node.opType === 'AveragePool');
    const resizes = graph.nodes.filter((node) => node.opType === 'Resize');
    expect(pools).toHaveLength(2);
    expect(resizes).toHaveLength(2);
    for (const pool of pools) expect(pool.attributes.kernel_shape).toEqual({ ints: [2, 2] });
    for (const resize of resizes) expect(graph.initializers.get(resize.inputs[2]!)?.dims).toEqual([4]);
  });

  it('warps a batch of frames of one source as it warps each frame alone', async () => {
    const graph = buildWarpingModule(createFormulaSource('tiny'), tinyWarpingConfig);
    const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
    const second = formulaInput('tiny', 'kp_driving_2', [1, 3, 3], -0.9, 0.9);
    const alone = [await session.run(feeds), await session.run({ ...feeds, kp_driving: second })];
    const batched = await session.run({
      feature_3d: feeds.feature_3d,
      kp_driving: stack([feeds.kp_driving, second]),
      kp_source: stack([feeds.kp_source, feeds.kp_source]),
    });
    await session.dispose();
    expect(batched.out!.dims).toEqual([2, 8, 8, 8]);
    expect(batched.deformation!.dims).toEqual([2, 3, 8, 8, 3]);
    for (const name of ['out', 'occlusion_map', 'deformation']) {
      expect(maxAbsDiff(batched[name]!, stack([alone[0]![name]!, alone[1]![name]!]))).toBeLessThan(1e-6);
      expect(maxAbsDiff(alone[0]![name]!, alone[1]![name]!)).toBeGreaterThan(1e-4);
    }
  });

  it('uses the official configuration by default', () => {
    expect(warpingModuleDefaultConfig).toMatchObject({ numKp: 21, spatialSize: 64, gridSample: 'native' });
  });
});
