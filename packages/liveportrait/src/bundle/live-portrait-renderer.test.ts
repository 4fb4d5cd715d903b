import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type Float32Tensor, InvalidInputError, type SessionV1 } from '@joyvasa/core';
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
const inputs = driving.map((drivingKeypoints) => ({ features, sourceKeypoints, drivingKeypoints }));
const weights = createFormulaSource('r', new Map(), 'random');
const graphs = {
  warping: buildWarpingModule(weights, { ...sizes.warpingModule, gridSample: 'native' }).encode(),
  generator: buildSpadeGenerator(weights, sizes.spadeGenerator).encode(),
};
let renderer: ReturnType<typeof createLivePortraitRenderer>;

beforeAll(async () => {
  const backend = createOnnxNodeBackend();
  const session = (bytes: Uint8Array) => backend.createSession(bytes, { device: 'cpu' });
  renderer = createLivePortraitRenderer({
    warping: await session(graphs.warping),
    generator: await session(graphs.generator),
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

describe('createLivePortraitRenderer on sessions that keep W’s output on the device (onnx-capi, CPU)', () => {
  const capi = createOnnxCapiBackend();
  /** W and G on the C API's CPU provider, their batch axis fixed at `batch` when given. */
  async function openRenderer(batch?: number) {
    const options = { device: 'cpu', ...(batch ? { fixedAxes: { batch } } : {}) } as const;
    return createLivePortraitRenderer(
      {
        warping: await capi.createSession(graphs.warping, { ...options, name: 'warping_module' }),
        generator: await capi.createSession(graphs.generator, { ...options, name: 'spade_generator' }),
      },
      batch ? { batch } : {},
    );
  }
  const valuesAlive = async () => (await capi.aliveObjects()).value ?? 0;
  afterAll(async () => {
    expect(await capi.aliveObjects()).toEqual({});
  });

  it('renders as the host path does at a fixed batch, padding one frame and splitting three', async () => {
    const fixed = await openRenderer(2);
    const alone = await fixed.render(inputs[0]!);
    expect(alone.dims).toEqual([1, 3, 512, 512]);
    expect(maxAbsDiff(alone, await renderer.render(inputs[0]!))).toBeLessThan(1e-4);
    const batch = await fixed.renderBatch!(inputs);
    expect(batch).toHaveLength(3);
    for (const [i, image] of batch.entries()) {
      expect(maxAbsDiff(image, await renderer.render(inputs[i]!))).toBeLessThan(1e-4);
    }
    // W's outputs were handed to G and freed: no tensor value is left behind.
    expect(await valuesAlive()).toBe(0);
    await fixed.dispose!();
  });

  it('frees W’s output when the render is aborted between W and G', async () => {
    const controller = new AbortController();
    const warping = await capi.createSession(graphs.warping, { device: 'cpu', name: 'warping_module' });
    const real = await capi.createSession(graphs.generator, { device: 'cpu', name: 'spade_generator' });
    // G as the renderer sees it: the real session, with the render aborted as G's run starts.
    const generator: SessionV1 = {
      specificationVersion: 'v1',
      device: real.device,
      inputNames: real.inputNames,
      outputNames: real.outputNames,
      run: (feeds, options) => {
        controller.abort();
        return real.run(feeds, options);
      },
      dispose: () => real.dispose(),
    };
    const aborted = createLivePortraitRenderer({ warping, generator });
    const running = aborted.render(inputs[0]!, { signal: controller.signal });
    expect(((await running.catch((e: unknown) => e)) as Error).name).toBe('AbortError');
    expect(controller.signal.aborted).toBe(true);
    expect(await valuesAlive()).toBe(0);
    await aborted.dispose!();
  });
});
