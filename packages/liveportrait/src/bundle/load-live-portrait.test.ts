import {
  type BackendV1,
  createTensor,
  type Device,
  type GraphIo,
  graphIo,
  type JoyvasaEvent,
  type ModelBundle,
  type ModelManifest,
  type SessionOptions,
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
function fakeBundle(
  components: readonly string[],
  device: Device,
  pasteBackFrames: number | string,
  renderFrames: number | string = 'batch',
) {
  const opened: string[] = [];
  const fixedAxes: Record<string, unknown> = {};
  const firstInput = (name: string) =>
    name === 'paste_back'
      ? { image: { type: 'float32', dims: [pasteBackFrames, 3, 512, 512] } }
      : ['warping_module', 'renderer', 'spade_generator'].includes(name)
        ? { kp_driving: { type: 'float32', dims: [renderFrames, 21, 3] } }
        : {};
  const manifest = {
    components: Object.fromEntries(components.map((name) => [name, { inputs: firstInput(name) }])),
  } as unknown as ModelManifest;
  const bundle = {
    manifest,
    has: (name: string) => components.includes(name),
    async createSession(_backend: BackendV1, name: string, options: SessionOptions): Promise<SessionV1> {
      opened.push(name);
      if (options.fixedAxes) fixedAxes[name] = options.fixedAxes;
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
  return { bundle, opened, fixedAxes };
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

  it("opens W then G where the bundle has the fused graph when asked to ('split')", async () => {
    const { bundle, opened } = fakeBundle([...base, 'renderer'], 'cuda', 'frames');
    const models = await loadLivePortrait(bundle, backend, { device: 'cuda', renderGraphs: 'split' });
    expect(opened.filter((name) => /renderer|warping|spade/.test(name))).toEqual([
      'warping_module',
      'spade_generator',
    ]);
    await models.dispose();
  });

  it('fixes the render graphs at the render batch on CUDA only, and nothing else', async () => {
    const rendererChoice = { batch: 4, cache: createMemoryVariantChoiceCache() };
    for (const [graphs, device, frames] of [
      ['auto', 'cuda', 'batch'],
      ['split', 'cuda', 'batch'],
      ['split', 'cpu', 'batch'],
      ['split', 'cuda', 1], // a bundle from before batching: nothing to fix
    ] as const) {
      const { bundle, fixedAxes } = fakeBundle([...base, 'renderer'], device, 'frames', frames);
      const models = await loadLivePortrait(bundle, backend, {
        device,
        rendererChoice,
        renderGraphs: graphs,
      });
      const expected =
        device !== 'cuda' || frames === 1
          ? {}
          : graphs === 'auto'
            ? { renderer: { batch: 4 } }
            : { warping_module: { batch: 4 }, spade_generator: { batch: 4 } };
      expect(fixedAxes).toEqual(expected);
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
