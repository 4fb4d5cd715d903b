import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import {
  graphIo,
  type JoyvasaEvent,
  type ModelBundle,
  openBundleSessions,
  openModelBundle,
  type VariantChosenEvent,
} from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { planJoyvasaBundle } from '@joyvasa/model-builder';
import { writeBundle } from '@joyvasa/model-builder/node';
import { fixtureLivePortraitSizes, syntheticBundleSources } from '@joyvasa/model-builder/synthetic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileVariantChoiceCache, variantChoicesFile } from '../node/file-variant-choice-cache.js';
import { openRendererForm, type RendererChoiceOptions } from './open-renderer-form.js';

const backend = createOnnxNodeBackend();
const meta = { name: 'forms', version: '1.0.0', provenance: 'fixture' } as const;
let root: string;
let bundleFolder: string;

/** The fixture's networks on a 32² grid (256² frames): the same graphs, a quarter of the CPU time. */
const sizes = {
  ...fixtureLivePortraitSizes,
  warpingModule: { ...fixtureLivePortraitSizes.warpingModule, spatialSize: 32 },
  spadeGenerator: { ...fixtureLivePortraitSizes.spadeGenerator, spatialSize: 32 },
};

/**
 * A float16 bundle with only W+G as one graph in three forms: the official, an equivalent one (W padded and
 * folded, G's norms as LayerNormalization) and one with other weights, which must never win.
 */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'joyvasa-renderer-forms-'));
  bundleFolder = join(root, 'bundle');
  const plan = planJoyvasaBundle(
    {
      ...syntheticBundleSources('fixture'),
      sizes,
      rendererVariants: [{ warping: 'padded-folded', generator: 'layer-norm' }],
    },
    meta,
  );
  const other = planJoyvasaBundle({ ...syntheticBundleSources('fixture', 'B'), sizes }, meta).components
    .renderer!;
  const renderer = plan.components.renderer!;
  // In float16, as the forms are meant to run on a GPU: the key says so, and the forms must still agree.
  await writeBundle(bundleFolder, {
    ...meta,
    dtype: 'fp16',
    components: {
      renderer: {
        ...renderer,
        variants: {
          ...renderer.variants,
          'other-weights': { build: other.build as () => never, file: 'renderer.other-weights.onnx' },
        },
      },
    },
  });
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

/** Opens the bundle's renderer as a head's load would; the events and the files read. */
async function openRenderer(choice: RendererChoiceOptions | undefined) {
  const events: JoyvasaEvent[] = [];
  const bundle: ModelBundle = await openModelBundle(createDirectorySource(bundleFolder), {
    onEvent: (event) => events.push(event),
  });
  const onEvent = (event: JoyvasaEvent) => events.push(event);
  // The loader's way: every session opened through openBundleSessions, freed together.
  const opened = await openBundleSessions(bundle, backend, { device: 'cpu', onEvent }, (open) =>
    openRendererForm(bundle, backend, 'renderer', graphIo.renderer, open, { device: 'cpu', choice, onEvent }),
  );
  await opened.dispose();
  const read = events.flatMap((event) =>
    event.type === 'model-file' && event.status === 'end' ? [event.file] : [],
  );
  const chosen = events.filter((event): event is VariantChosenEvent => event.type === 'variant-chosen');
  return { read, chosen };
}

/** The choice with the test-only override: timed on the CPU (the default times on cuda and webgpu). */
const onCpu = (cacheFolder: string): RendererChoiceOptions => ({
  batch: 2,
  cache: createFileVariantChoiceCache(cacheFolder),
  gpu: async () => ({ models: ['test CPU'], driver: 'none' }),
  devices: ['cpu'],
  warmups: 1,
  runs: 1,
});

describe('openRendererForm', () => {
  it('times the forms once at the batch, passes over a disagreeing one, and reuses the choice', async () => {
    const cacheFolder = join(root, 'cache');
    const first = await openRenderer(onCpu(cacheFolder));
    expect(first.chosen).toHaveLength(1);
    const [event] = first.chosen;
    expect(event).toMatchObject({ component: 'renderer', source: 'timed', batch: 2 });
    expect(['official', 'padded-folded+layer-norm']).toContain(event!.variant);
    expect(typeof event!.timings.official).toBe('number');
    expect(typeof event!.timings['padded-folded+layer-norm']).toBe('number');
    expect(event!.timings['other-weights']).toMatch(/^passed over: differs from official: mean /);
    expect(first.read).toHaveLength(3);

    // The cache file (what a later process reads) holds one choice, for this batch, runtime and bundle.
    const stored = JSON.parse(await readFile(join(cacheFolder, variantChoicesFile), 'utf8'));
    const [[key, variant]] = Object.entries(stored) as [[string, string]];
    expect(variant).toBe(event!.variant);
    const [component, device, driver, runtime, precision, batch] = JSON.parse(key);
    expect([component, device, driver, precision, batch]).toEqual([
      'renderer',
      'test CPU',
      'none',
      'fp16',
      2,
    ]);
    expect(runtime).toMatch(/^onnxruntime-node \d+\.\d+\.\d+ cpu$/);

    // The next load opens the remembered form directly: one file read, nothing timed.
    const second = await openRenderer(onCpu(cacheFolder));
    expect(second.chosen).toEqual([{ ...event, source: 'cache', timings: {} }]);
    const chosenFile = event!.variant === 'official' ? 'renderer.onnx' : `renderer.${event!.variant}.onnx`;
    expect(second.read).toEqual([chosenFile]);
  }, 60_000);

  it('opens the official form directly without a choice, or on a device that is not timed', async () => {
    for (const choice of [undefined, { ...onCpu(join(root, 'unused')), devices: undefined }]) {
      const { read, chosen } = await openRenderer(choice);
      expect(chosen).toEqual([]);
      expect(read).toEqual(['renderer.onnx']);
    }
  });
});
