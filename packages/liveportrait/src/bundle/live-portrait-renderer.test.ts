import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type Float32Tensor, InvalidInputError } from '@joyvasa/core';
import { buildSpadeGenerator, buildWarpingModule } from '@joyvasa/model-builder';
import {
  createFormulaSource,
  fixtureLivePortraitSizes,
  formulaInput,
} from '@joyvasa/model-builder/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLivePortraitRenderer } from './live-portrait-renderer.js';

const sizes = fixtureLivePortraitSizes;
const { reshapeChannel, denseMotion, spatialSize } = sizes.warpingModule;
const features = formulaInput('r', 'feature_3d', [
  1,
  reshapeChannel,
  denseMotion.reshapeDepth,
  spatialSize,
  spatialSize,
]);
const sourceKeypoints = formulaInput('r', 'kp_source', [1, 21, 3], -0.5, 0.5);
const driving = ['a', 'b', 'c'].map((tag) => formulaInput('r', `kp_driving_${tag}`, [1, 21, 3], -0.5, 0.5));
let renderer: ReturnType<typeof createLivePortraitRenderer>;

beforeAll(async () => {
  const backend = createOnnxNodeBackend();
  const weights = createFormulaSource('r', new Map(), 'random');
  const session = (bytes: Uint8Array) => backend.createSession(bytes, { device: 'cpu' });
  renderer = createLivePortraitRenderer({
    warping: await session(
      buildWarpingModule(weights, { ...sizes.warpingModule, gridSample: 'native' }).encode(),
    ),
    generator: await session(buildSpadeGenerator(weights, sizes.spadeGenerator).encode()),
  });
});
afterAll(() => renderer.dispose?.());

function maxAbsDiff(a: Float32Tensor, b: Float32Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

describe('createLivePortraitRenderer', () => {
  it('renders a batch of frames of one source as it renders each frame', async () => {
    const inputs = driving.map((drivingKeypoints) => ({ features, sourceKeypoints, drivingKeypoints }));
    const batch = await renderer.renderBatch!(inputs);
    expect(batch).toHaveLength(3);
    for (const [i, input] of inputs.entries()) {
      const alone = await renderer.render(input);
      expect(batch[i]!.dims).toEqual([1, 3, 512, 512]);
      // Batched convolutions may sum in another order: float32 rounding, far below one 8-bit level.
      expect(maxAbsDiff(batch[i]!, alone)).toBeLessThan(1e-4);
    }
    expect(maxAbsDiff(batch[0]!, batch[1]!)).toBeGreaterThan(1e-4);
  });

  it('refuses a batch that mixes sources', async () => {
    const other = createTensor('float32', features.dims, new Float32Array(features.data.length));
    const inputs = [
      { features, sourceKeypoints, drivingKeypoints: driving[0]! },
      { features: other, sourceKeypoints, drivingKeypoints: driving[1]! },
    ];
    await expect(renderer.renderBatch!(inputs)).rejects.toBeInstanceOf(InvalidInputError);
  });
});
