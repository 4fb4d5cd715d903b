import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import type { Float32Tensor } from '@joyvasa/core';
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
const features = formulaInput('d', 'feature_3d', [
  1,
  reshapeChannel,
  denseMotion.reshapeDepth,
  spatialSize,
  spatialSize,
]);
const sourceKeypoints = formulaInput('d', 'kp_source', [1, 21, 3], -0.5, 0.5);
const driving = ['a', 'b', 'c'].map((tag) => formulaInput('d', `kp_driving_${tag}`, [1, 21, 3], -0.5, 0.5));
const inputs = driving.map((drivingKeypoints) => ({ features, sourceKeypoints, drivingKeypoints }));

const backend = createOnnxCapiBackend();
const weights = createFormulaSource('d', new Map(), 'random');
const graphs = {
  warping: buildWarpingModule(weights, { ...sizes.warpingModule, gridSample: 'native' }).encode(),
  generator: buildSpadeGenerator(weights, sizes.spadeGenerator).encode(),
};
/** W and G on the C API's CPU provider, their batch axis fixed at `batch` when given. */
async function openRenderer(batch?: number) {
  const options = { device: 'cpu', ...(batch ? { fixedAxes: { batch } } : {}) } as const;
  return createLivePortraitRenderer(
    {
      warping: await backend.createSession(graphs.warping, { ...options, name: 'warping_module' }),
      generator: await backend.createSession(graphs.generator, { ...options, name: 'spade_generator' }),
    },
    batch ? { batch } : {},
  );
}

function maxAbsDiff(a: Float32Tensor, b: Float32Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  return worst;
}

let reference: Float32Tensor[];
beforeAll(async () => {
  const free = await openRenderer();
  reference = [];
  for (const input of inputs) reference.push(await free.render(input));
  await free.dispose!();
});
afterAll(async () => {
  expect(await backend.aliveObjects()).toEqual({});
});

describe('the renderer on sessions that keep W’s output on the device', () => {
  it('renders as the host path does, at a fixed batch, padding one frame and splitting three', async () => {
    const renderer = await openRenderer(2);
    const alone = await renderer.render(inputs[0]!);
    expect(alone.dims).toEqual([1, 3, 512, 512]);
    expect(maxAbsDiff(alone, reference[0]!)).toBeLessThan(1e-4);
    const batch = await renderer.renderBatch!(inputs);
    expect(batch).toHaveLength(3);
    for (const [i, image] of batch.entries()) expect(maxAbsDiff(image, reference[i]!)).toBeLessThan(1e-4);
    // W's outputs were handed to G and freed: only the sessions' own objects are left.
    expect((await backend.aliveObjects()).value ?? 0).toBe(0);
    await renderer.dispose!();
  });

  it('frees W’s output when G’s run is aborted', async () => {
    const renderer = await openRenderer();
    const controller = new AbortController();
    const running = renderer.render(inputs[0]!, { signal: controller.signal });
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect((await backend.aliveObjects()).value ?? 0).toBe(0);
    await renderer.dispose!();
  });
});
