// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { goldenDifference } from '../../../test/golden-difference.js';
import { tinyWarpingConfig } from '../../../test/tiny-warping-config.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { paddedChannels } from './dense-motion-variants.js';
import type { GridSampleMode } from './grid-sample-3d.js';
import { buildWarpingModule, type WarpingVariant } from './warping-module.js';

// Two frames, keypoints far enough apart that warped points leave the volume (zero padding matters).
const feeds = {
  feature_3d: formulaInput('tiny', 'feature_3d', [1, 4, 3, 8, 8]),
  kp_driving: formulaInput('tiny', 'kp_driving', [2, 3, 3], -0.9, 0.9),
  kp_source: formulaInput('tiny', 'kp_source', [2, 3, 3], -0.9, 0.9),
};

async function warp(
  variant: WarpingVariant | undefined,
  dtype: 'fp32' | 'fp16' = 'fp32',
  gridSample: GridSampleMode = 'native',
) {
  const graph = buildWarpingModule(createFormulaSource('tiny'), {
    ...tinyWarpingConfig,
    variant,
    gridSample,
  });
  const session = await createOnnxNodeBackend().createSession(graph.encode({ dtype }), { device: 'cpu' });
  // The Gather (WebGPU) form renders one frame per call.
  const frame = (t: TensorLike) => createTensor('float32', [1, 3, 3], (t.data as Float32Array).slice(0, 9));
  const outputs = await session.run(
    gridSample === 'native'
      ? feeds
      : { ...feeds, kp_driving: frame(feeds.kp_driving), kp_source: frame(feeds.kp_source) },
  );
  await session.dispose();
  return { outputs, inventory: graph.opInventory() };
}

const variants: [string, WarpingVariant][] = [
  ['padded channels', { padChannels: true }],
  ['folded coordinates', { foldCoordinates: true }],
  ['both', { padChannels: true, foldCoordinates: true }],
];

describe('warping module variants', () => {
  it('pads channel counts up to multiples of 8', () => {
    expect([110, 142, 22, 112, 8, 1].map(paddedChannels)).toEqual([112, 144, 24, 112, 8, 8]);
  });

  it.each(variants)('%s: computes the official graph to float32 tolerance', async (_, variant) => {
    const [official, candidate] = [await warp(undefined), await warp(variant)];
    for (const name of ['out', 'occlusion_map', 'deformation']) {
      expect(candidate.outputs[name]!.dims).toEqual(official.outputs[name]!.dims);
      expect(goldenDifference(candidate.outputs[name]!, official.outputs[name]!)).toBeLessThan(1e-5);
    }
  });

  it('the WebGPU form (Gather sampling) takes the same variants', async () => {
    const both = { padChannels: true, foldCoordinates: true };
    const [official, candidate] = [
      await warp(undefined, 'fp32', 'gather'),
      await warp(both, 'fp32', 'gather'),
    ];
    expect(goldenDifference(candidate.outputs.out!, official.outputs.out!)).toBeLessThan(1e-5);
  });

  it('folding leaves fewer ops and no product the size of all sparse motions', async () => {
    const [official, folded] = [await warp(undefined), await warp({ foldCoordinates: true })];
    const count = (inventory: Record<string, number>) => Object.values(inventory).reduce((a, b) => a + b);
    expect(count(folded.inventory)).toBeLessThan(count(official.inventory));
    expect(folded.inventory.ReduceSum).toBeUndefined();
    expect(folded.inventory.Div).toBeUndefined();
    expect(folded.inventory.GridSample).toBe(2);
  });

  it('keeps the folded deformation in float32 in a float16 graph', async () => {
    const [official, folded] = [await warp(undefined, 'fp16'), await warp({ foldCoordinates: true }, 'fp16')];
    expect(goldenDifference(folded.outputs.deformation!, official.outputs.deformation!)).toBeLessThan(1e-3);
  });
});
