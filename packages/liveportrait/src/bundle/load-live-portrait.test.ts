import {
  type BackendV1,
  createTensor,
  type Device,
  type GraphIo,
  graphIo,
  type JoyvasaEvent,
  type ModelBundle,
  type ModelManifest,
  type SessionV1,
} from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createMemoryVariantChoiceCache } from './choose-fastest-variant.js';
import { loadLivePortrait } from './load-live-portrait.js';

/** The graph each component of the fake bundle stands for: its sessions carry that graph's names. */
const graphOf: Readonly<Record<string, GraphIo>> = {
  appearance_feature_extractor: graphIo.appearanceFeatureExtractor,
  motion_extractor: graphIo.motionExtractor,
  warping_module: graphIo.warpingModule,
  spade_generator: graphIo.spadeGenerator,
  renderer: graphIo.renderer,
  stitching: graphIo.retargeting,
  retarget_lip: graphIo.retargeting,
  paste_back: graphIo.pasteBack,
};

/** A bundle of named components whose sessions run nowhere: what the loader opens, and on which device. */
function fakeBundle(components: readonly string[], device: Device, pasteBackFrames: number | string) {
  const opened: string[] = [];
  const manifest = {
    components: Object.fromEntries(
      components.map((name) => [
        name,
        {
          inputs:
            name === 'paste_back' ? { image: { type: 'float32', dims: [pasteBackFrames, 3, 512, 512] } } : {},
        },
      ]),
    ),
  } as unknown as ModelManifest;
  const bundle = {
    manifest,
    has: (name: string) => components.includes(name),
    async createSession(_backend: BackendV1, name: string): Promise<SessionV1> {
      opened.push(name);
      const io = graphOf[name]!;
      return {
        specificationVersion: 'v1',
        device,
        inputNames: Object.values(io.inputs),
        outputNames: Object.values(io.outputs),
        run: async () => ({}),
        dispose: async () => {},
      };
    },
  } as unknown as ModelBundle;
  return { bundle, opened };
}

const base = [
  'appearance_feature_extractor',
  'motion_extractor',
  'warping_module',
  'spade_generator',
  'stitching',
  'retarget_lip',
  'paste_back',
];
const backend = {} as BackendV1;

describe('loadLivePortrait', () => {
  it('opens W+G as one graph where the bundle has it, W and G otherwise and on WebGPU', async () => {
    const cases: Array<[readonly string[], Device, string[]]> = [
      [[...base, 'renderer'], 'cuda', ['renderer']],
      [base, 'cuda', ['warping_module', 'spade_generator']],
      [[...base, 'renderer'], 'webgpu', ['warping_module', 'spade_generator']],
    ];
    for (const [components, device, expected] of cases) {
      const { bundle, opened } = fakeBundle(components, device, 'frames');
      const models = await loadLivePortrait(bundle, backend, { device });
      const renderers = opened.filter((name) =>
        ['renderer', 'warping_module', 'spade_generator'].includes(name),
      );
      expect(renderers).toEqual(expected);
      await models.dispose();
    }
  });

  it('runs a paste-back graph from before batching one frame a run', async () => {
    for (const [frames, batched] of [
      ['frames', true],
      [1, false],
    ] as const) {
      const models = await loadLivePortrait(fakeBundle(base, 'cuda', frames).bundle, backend, {
        device: 'cuda',
      });
      expect(models.pasteBack?.batched).toBe(batched);
      await models.dispose();
    }
  });

  it('opens the renderer through the timed choice on a GPU, at the given batch', async () => {
    const sha = (letter: string) => letter.repeat(64);
    const file = (path: string, letter: string) => ({ path, sha256: sha(letter), bytes: 1 });
    const opened: string[] = [];
    const manifest = {
      components: Object.fromEntries(
        [...base, 'renderer'].map((name) => [
          name,
          {
            file: file(`${name}.onnx`, 'a'),
            inputs: {},
            outputs: { image: { type: 'float32', dims: ['batch', 3, 512, 512] } },
            ...(name === 'renderer'
              ? { variants: { folded: { file: file('renderer.folded.onnx', 'b') } } }
              : {}),
          },
        ]),
      ),
    } as unknown as ModelManifest;
    const bundle = {
      manifest,
      has: (name: string) => name in manifest.components,
      async createSession(
        _backend: BackendV1,
        name: string,
        options: { variant?: string },
      ): Promise<SessionV1> {
        opened.push(`${name}:${options.variant ?? 'official'}`);
        const io = graphOf[name]!;
        return {
          specificationVersion: 'v1',
          device: 'cuda',
          inputNames: Object.values(io.inputs),
          outputNames: Object.values(io.outputs),
          run: async () => ({ image: createTensor('float32', [1], Float32Array.of(0.5)) }),
          dispose: async () => {},
        };
      },
    } as unknown as ModelBundle;
    const events: JoyvasaEvent[] = [];
    const cache = createMemoryVariantChoiceCache();
    const models = await loadLivePortrait(bundle, backend, {
      device: 'cuda',
      rendererChoice: { batch: 4, cache, warmups: 1, runs: 1 },
      onEvent: (event) => events.push(event),
    });
    expect(opened.filter((name) => name.startsWith('renderer'))).toEqual([
      'renderer:official',
      'renderer:folded',
    ]);
    expect(events).toEqual([
      expect.objectContaining({ type: 'variant-chosen', component: 'renderer', batch: 4 }),
    ]);
    await models.dispose();
  });
});
