import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { type ModelBundle, openModelBundle, type RendererV1, type RgbImage } from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motionFixtures } from '../../test/motion-fixtures.js';
import { isLivePortraitRenderer } from '../bundle/live-portrait-renderer.js';
import { type LivePortraitModels, loadLivePortrait } from '../bundle/load-live-portrait.js';
import { prepareSource } from './prepare-source.js';
import type { PrepareSourceOptions } from './source-options.js';

const backend = createOnnxNodeBackend();
const { frame } = motionFixtures(1);
const motion = Array.from({ length: 3 }, (_, i) => frame(2 + i, 1 + 0.04 * i, [2 * i, -3 * i, i]));
const image: RgbImage = {
  width: 240,
  height: 200,
  channels: 3,
  data: Uint8Array.from({ length: 240 * 200 * 3 }, (_, i) => (128 + 90 * Math.sin(i / 37) + (i % 23)) & 255),
};
const options: PrepareSourceOptions = {
  crop: true,
  faceBox: [70, 50, 170, 150],
  stitching: true,
  pasteBack: true,
  relativeMotion: true,
  normalizeLip: false,
  drivingMultiplier: 1,
  region: 'all',
};
let cache: string;
let bundle: ModelBundle;
const loaded: LivePortraitModels[] = [];

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'joyvasa-source-frames-'));
  const { directory } = await ensureSyntheticBundle('fixture', { cacheDirectory: cache });
  bundle = await openModelBundle(createDirectorySource(directory));
});
afterAll(async () => {
  await Promise.all(loaded.map((models) => models.dispose()));
  await rm(cache, { recursive: true, force: true });
});

async function load(from: ModelBundle) {
  const models = await loadLivePortrait(from, backend, { device: 'cpu' });
  loaded.push(models);
  return models;
}

/** Renders the motion in batches of `sizes` through one prepared source. */
async function render(models: LivePortraitModels, sizes: readonly number[]): Promise<RgbImage[]> {
  const source = await prepareSource(image, models, options);
  const frames: RgbImage[] = [];
  let next = 0;
  for (const size of sizes) {
    frames.push(...(await source.renderFrames(motion.slice(next, next + size))));
    next += size;
  }
  await source.dispose();
  return frames;
}

/** The largest difference of two frame lists, and the share of values that differ at all. */
function compare(actual: readonly RgbImage[], expected: readonly RgbImage[]) {
  expect(actual.map((f) => [f.width, f.height])).toEqual(expected.map((f) => [f.width, f.height]));
  let [worst, off, total] = [0, 0, 0];
  actual.forEach((f, i) => {
    for (let j = 0; j < f.data.length; j++) {
      const difference = Math.abs(f.data[j]! - expected[i]!.data[j]!);
      worst = Math.max(worst, difference);
      if (difference > 0) off++;
    }
    total += f.data.length;
  });
  return { worst, share: off / total };
}

describe('PreparedSource.renderFrames', () => {
  let fused: LivePortraitModels;
  let reference: RgbImage[];
  beforeAll(async () => {
    fused = await load(bundle);
    // A bundle written before the fused graph: W then G, here one frame at a time.
    const older: ModelBundle = { ...bundle, has: (name) => name !== 'renderer' && bundle.has(name) };
    reference = await render(await load(older), [1, 1, 1]);
  });

  it('renders batches through W+G as one graph as W then G renders one frame at a time', async () => {
    expect(isLivePortraitRenderer(fused.renderer)).toBe(true);
    expect(reference).toHaveLength(3);
    expect([reference[0]!.width, reference[0]!.height]).toEqual([image.width, image.height]);
    // The frames move: equal frames would hide a batch that repeats its first frame.
    expect(compare([reference[2]!], [reference[0]!]).share).toBeGreaterThan(0.01);
    for (const sizes of [[3], [2, 1]]) {
      const { worst, share } = compare(await render(fused, sizes), reference);
      // Float32 sums in another order: at most one 8-bit level, on few values.
      expect(worst).toBeLessThanOrEqual(1);
      expect(share).toBeLessThan(0.01);
    }
  });

  it('pads a batch shorter than the widest one to its shape, and returns only its own frames', async () => {
    const renderer = fused.renderer;
    if (!isLivePortraitRenderer(renderer)) throw new Error('the fixture bundle has no fused renderer');
    const shapes: number[] = [];
    const spied = {
      ...renderer,
      renderKeypoints: (...args: Parameters<typeof renderer.renderKeypoints>) => {
        shapes.push(args[2].dims[0]!);
        return renderer.renderKeypoints(...args);
      },
    };
    const frames = await render({ ...fused, renderer: spied }, [2, 1]);
    expect(shapes).toEqual([2, 2]);
    expect(frames).toHaveLength(3);
    const { worst, share } = compare(frames, reference);
    expect(worst).toBeLessThanOrEqual(1);
    expect(share).toBeLessThan(0.01);
  });

  it("renders through a caller's RendererV1, batched or frame by frame, as through the bundle's graphs", async () => {
    const builtIn = fused.renderer;
    const calls: string[] = [];
    const own = (batched: boolean): RendererV1 => ({
      specificationVersion: 'v1',
      outputSize: builtIn.outputSize,
      render: (input, runOptions) => {
        calls.push('render');
        return builtIn.render(input, runOptions);
      },
      ...(batched
        ? {
            renderBatch: (inputs, runOptions) => {
              calls.push(`renderBatch ${inputs.length}`);
              return builtIn.renderBatch!(inputs, runOptions);
            },
          }
        : {}),
    });
    for (const batched of [true, false]) {
      const models = { ...fused, renderer: own(batched) };
      expect(isLivePortraitRenderer(models.renderer)).toBe(false);
      expect(compare(await render(models, [2, 1]), reference).worst).toBeLessThanOrEqual(1);
    }
    expect(calls).toEqual(['renderBatch 2', 'render', 'render', 'render', 'render']);
  });

  it('lets the event loop run between the per-pixel steps of a batch pasted back in TypeScript', async () => {
    const renderer = fused.renderer;
    if (!isLivePortraitRenderer(renderer)) throw new Error('the fixture bundle has no fused renderer');
    // Turns of the event loop, counted from the moment the renderer's images are in until the frames are.
    let turns = 0;
    let counting = false;
    const count = () => {
      if (!counting) return;
      turns++;
      setImmediate(count);
    };
    const spied = {
      ...renderer,
      renderKeypoints: async (...args: Parameters<typeof renderer.renderKeypoints>) => {
        const images = await renderer.renderKeypoints(...args);
        counting = true;
        setImmediate(count);
        return images;
      },
    };
    const frames = await render({ ...fused, renderer: spied }, [3]);
    counting = false;
    expect(frames).toHaveLength(3);
    // A turn before each frame's conversion to bytes and one before its paste-back.
    expect(turns).toBeGreaterThanOrEqual(6);
    expect(compare(frames, reference).worst).toBeLessThanOrEqual(1);
  });

  it('pastes back a batch on the paste-back graph, and one frame a run on a graph from before batching', async () => {
    const session = await bundle.createSession(backend, 'paste_back', { device: 'cpu' });
    for (const batched of [true, false]) {
      const frames = await render({ ...fused, pasteBack: { session, batched } }, [3]);
      const { worst, share } = compare(frames, reference);
      expect(worst).toBeLessThanOrEqual(1);
      expect(share).toBeLessThan(0.01);
    }
    await session.dispose();
  });

  it('keeps the images on the device from the renderer to the paste-back graph where the runtime can (onnx-capi)', async () => {
    const capi = createOnnxCapiBackend();
    const models = await loadLivePortrait(bundle, capi, { device: 'cpu', pasteBack: 'graph' });
    try {
      const renderer = models.renderer;
      if (!isLivePortraitRenderer(renderer) || !renderer.renderKeypointsOnDevice) {
        throw new Error('the renderer on onnx-capi should leave its images on the device');
      }
      const calls: string[] = [];
      const spied = {
        ...renderer,
        renderKeypoints: (...args: Parameters<typeof renderer.renderKeypoints>) => {
          calls.push('host');
          return renderer.renderKeypoints(...args);
        },
        renderKeypointsOnDevice: (...args: Parameters<typeof renderer.renderKeypoints>) => {
          calls.push(`device ${args[2].dims[0]}`);
          return renderer.renderKeypointsOnDevice!(...args);
        },
      };
      const frames = await render({ ...models, renderer: spied }, [2, 1]);
      expect(calls).toEqual(['device 2', 'device 2']);
      const { worst, share } = compare(frames, reference);
      expect(worst).toBeLessThanOrEqual(1);
      expect(share).toBeLessThan(0.01);
    } finally {
      await models.dispose();
    }
    // Every image left on the device was freed once pasted back.
    expect(await capi.aliveObjects()).toEqual({});
  });
});
