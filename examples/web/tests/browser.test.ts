import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import {
  createMemoryStore,
  createTensor,
  motionGeneratorData,
  openModelBundle,
  type TensorLike,
} from '@joyvasa/core';
import { createDirectorySource } from '@joyvasa/core/node';
import { createTalkingHead, probeMedia } from '@joyvasa/pipeline/node';
import { convModel, failOnCi, gatherModel, maxAbsDiff, mlpModel, testInput } from '@joyvasa/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  callHarness,
  openBrowserSession,
  openHarness,
  type TestPage,
} from './browser-session.js';
import { countOnnxOps } from './count-onnx-ops.js';
import type { AdapterReport, Harness, JsonTensor, PipelineRequest } from './harness-protocol.js';
import { parseNodePlacement } from './parse-node-placement.js';
import { translucentPicture } from './prepare-test-site.js';
import { plainRateEncoder } from './rate-encoder.js';

const seed = 7;
/** The served fixture bundle on the served portrait and second of speech. */
const fixturePipeline: PipelineRequest = {
  models: '/models/fixture/',
  image: '/inputs/portrait.png',
  audio: '/inputs/speech.wav',
  seed,
};
/**
 * On wasm, with a custom plain-object encoder at 24 kHz (the browser build decodes the audio at the
 * encoder's rate): the README's run below covers the bundle's own encoder, so one wasm run covers both.
 */
const fixturePipelineOnWasmAt24k: PipelineRequest = {
  ...fixturePipeline,
  device: 'wasm',
  encoderSampleRate: 24000,
};
/**
 * The README's `createTalkingHead({ models })`: default backend, device and encoder. SwiftShader runs
 * WebGPU on the CPU, where each frame costs about a minute in CI (the warping module and the SPADE generator
 * themselves, run after run, not shader compilation): the slim fixture bundle, one frame (0.04 s) and two
 * DDIM steps. Web sessions leave nothing on the device between runs (no `runToDevice`), so the frame loop
 * past its first frame is the same code on wasm and webgpu: the 25-frame wasm run above checks it, up to
 * its last frame.
 */
const fixturePipelineAsInReadme: PipelineRequest = {
  ...fixturePipeline,
  models: '/models/fixture-slim/',
  audio: '/inputs/speech-short.wav',
  sampler: { ddim: 2 },
};
let session: BrowserSession;
let harness: TestPage;
let adapter: AdapterReport;

const ready = () => session as Extract<BrowserSession, { site: unknown }>;
const call = <K extends keyof Harness>(name: K, argument?: Parameters<Harness[K]>[0]) =>
  callHarness(harness.page, name, argument);

function toJson(tensor: TensorLike): JsonTensor {
  const data = Array.from(tensor.data as ArrayLike<number | bigint>, Number);
  return { type: tensor.type === 'int64' ? 'int64' : 'float32', dims: [...tensor.dims], data };
}

/** The folder the site serves a bundle URL (`/models/<name>/`) from. */
function bundleDirectoryOf(url: string): string {
  return join(ready().site.bundleDirectory, '..', url.slice('/models/'.length));
}

/** The feature width the bundle's motion model takes, which a custom encoder must give. */
async function audioFeatureDim(directory: string): Promise<number> {
  const bundle = await openModelBundle(createDirectorySource(directory));
  return motionGeneratorData(bundle.manifest).config.audioFeatureDim;
}

/** Skips (developer machine) or fails (CI) a test that needs a WebGPU adapter when there is none. */
function needWebGpu(skip: (note: string) => void): void {
  if (adapter.adapter) return;
  const why =
    'Chromium offers no WebGPU adapter (started with --enable-unsafe-webgpu; see runtime-probe.md §3)';
  failOnCi(why);
  skip(why);
}

beforeAll(async () => {
  session = await openBrowserSession();
  if (session.skipReason) return;
  harness = await openHarness(ready());
  adapter = await call('adapter');
  console.log('[browser] WebGPU adapter:', JSON.stringify(adapter));
});

afterAll(async () => {
  await session?.close();
});

describe('the web build in headless Chromium', () => {
  it('is cross-origin isolated (SharedArrayBuffer, WASM threads)', (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    expect(adapter.crossOriginIsolated).toBe(true);
  });

  it('resolves auto to webgpu where an adapter exists, else wasm, and each device after that', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    // A page of its own: a failed first initialisation of onnxruntime-web would poison the shared one.
    const fresh = await openHarness(ready());
    const report = await callHarness(fresh.page, 'resolveDevices');
    await fresh.page.close();
    console.log('[browser] a fresh backend resolves', JSON.stringify(report));
    expect(report.auto).toBe(adapter.adapter ? 'webgpu' : 'wasm');
    expect(report.fallback).toEqual(adapter.adapter ? null : ['webgpu']);
    expect(report.wasm).toBe('wasm');
    expect(report.webgpu).toBe(adapter.adapter ? 'webgpu' : expect.stringMatching(/^error: /));
  });

  for (const device of ['wasm', 'webgpu'] as const) {
    it(`runs tiny models on ${device} as onnxruntime-node does (1e-4)`, async (ctx) => {
      if (session.skipReason) return ctx.skip(session.skipReason);
      if (device === 'webgpu') needWebGpu((note) => ctx.skip(note));
      const node = createOnnxNodeBackend();
      const cases: {
        model: { name: string; bytes: Uint8Array; outputNames: readonly string[] };
        feeds: Record<string, TensorLike>;
      }[] = [
        { model: mlpModel(), feeds: { x: testInput([3, 4]) } },
        { model: convModel(), feeds: { image: testInput([1, 3, 16, 16]) } },
        { model: gatherModel(), feeds: { index: createTensor('int64', [2], BigInt64Array.of(3n, 1n)) } },
      ];
      for (const { model, feeds } of cases) {
        const nodeSession = await node.createSession(model.bytes, { device: 'cpu' });
        const reference = await nodeSession.run(feeds);
        await nodeSession.dispose();
        const jsonFeeds = Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, toJson(t)]));
        const report = await call('runModel', { url: `/tiny/${model.name}.onnx`, device, feeds: jsonFeeds });
        expect(report.device).toBe(device);
        expect(report.outputNames).toEqual(model.outputNames);
        expect(report.truncatedModelIsModelLoadError).toBe(true);
        expect(report.cudaIsUnsupportedDeviceError).toBe(true);
        for (const name of model.outputNames) {
          const expected = toJson(reference[name]!);
          expect(report.outputs[name]!.dims).toEqual(expected.dims);
          const error = maxAbsDiff(report.outputs[name]!.data, expected.data);
          console.log(
            `[browser] ${model.name}.${name} on ${device}: max |web - node| = ${error.toExponential(2)}`,
          );
          expect(error).toBeLessThan(1e-4);
        }
      }
    });
  }

  it('starts WASM worker threads from the built bundle where the machine has cores for them', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    // This machine may have 2 cores (one WASM thread, no workers): pretend 8, so onnxruntime-web starts 3 workers.
    const threaded = await openHarness(ready(), { cores: 8 });
    const model = mlpModel();
    const report = await callHarness(threaded.page, 'runModel', {
      url: `/tiny/${model.name}.onnx`,
      device: 'wasm',
      feeds: { x: toJson(testInput([3, 4])) },
    });
    expect(report.device).toBe('wasm');
    const workers = threaded.page.workers().length;
    console.log(`[browser] WASM with 8 cores reported: ${workers} worker(s)`);
    expect(workers).toBeGreaterThan(0);
    expect(threaded.errors).toEqual([]);
    await threaded.page.close();
  });

  it('decodes a File, an ImageBitmap, an ImageData and pixels to the same RGB image', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    const report = await call('decodeImages', '/inputs/portrait.png');
    expect(new Set(Object.values(report.results)).size).toBe(1);
    expect(report.results.blob).toMatch(/^320x320:/);
    expect(report.rejectsString).toBe(true);
  });

  it('keeps the colour under transparent pixels of a PNG, as OpenCV does (no premultiplication)', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    const decoded = Buffer.from(await call('decodeTranslucent', '/inputs/translucent.png'), 'base64');
    const { width, height, data } = translucentPicture();
    const expected = Uint8Array.from(
      { length: width * height * 3 },
      (_, i) => data[Math.floor(i / 3) * 4 + (i % 3)]!,
    );
    expect(new Uint8Array(decoded)).toEqual(expected);
  });

  // On wasm, and as the README and the example page call it: device 'auto', which is webgpu here.
  for (const [label, request, frames] of [
    ['on wasm with a plain-object encoder at 24 kHz', fixturePipelineOnWasmAt24k, 25],
    ['as the README calls it (auto: webgpu)', fixturePipelineAsInReadme, 1],
  ] as const) {
    const count = frames === 1 ? 'the frame' : `${frames} frames`;
    it(`renders ${count} of a ${frames / 25} s clip ${label}, matching the Node pipeline frame for frame`, async (ctx) => {
      if (session.skipReason) return ctx.skip(session.skipReason);
      if (request.device === undefined) needWebGpu((note) => ctx.skip(note));
      const report = await call('runPipeline', request);
      // No fallback: 'auto' ran on the webgpu adapter the page has.
      expect(report.events['backend-fallback']).toBeUndefined();
      expect(report.frameCount).toBe(frames);
      expect(report.sinkFrameCount).toBe(frames);
      expect(report.fps).toBe(25);
      expect(report.durationSeconds).toBeCloseTo(frames / 25, 6);
      // Pasted back into the 320x320 portrait.
      expect([report.width, report.height]).toEqual([320, 320]);
      expect(report.canvasSize).toEqual([320, 320]);
      expect(report.canvasVersusLastFrame).toBe(0);
      expect(report.events.frame).toBe(frames);

      const models = bundleDirectoryOf(request.models);
      const rate = request.encoderSampleRate;
      const head = await createTalkingHead({
        models,
        device: 'cpu',
        store: createMemoryStore(),
        ...(rate ? { audioEncoder: plainRateEncoder(rate, await audioFeatureDim(models)) } : {}),
      });
      const node = await head.generate(
        {
          image: ready().site.portraitPng,
          audio: request.audio.endsWith('short.wav') ? ready().site.shortSpeechWav : ready().site.speechWav,
        },
        { seed, ...(request.sampler ? { sampler: request.sampler } : {}) },
      );
      await head.dispose();
      expect(node.frameCount).toBe(frames);
      for (const [which, web, reference] of [
        ['first', report.firstFrame, node.frames![0]!],
        ['last', report.lastFrame, node.frames![frames - 1]!],
      ] as const) {
        const pixels = new Uint8Array(Buffer.from(web, 'base64'));
        expect(pixels.length).toBe(reference.data.length);
        let sum = 0;
        for (let i = 0; i < pixels.length; i++) sum += Math.abs(pixels[i]! - reference.data[i]!);
        const worst = maxAbsDiff(pixels, reference.data);
        console.log(
          `[browser] ${which} frame ${label} vs onnxruntime-node: max |diff| ${worst}, mean ${(sum / pixels.length).toFixed(4)}`,
        );
        // Float32 kernels differ in the last bits between runtimes; a pixel may round the other way.
        expect(worst).toBeLessThanOrEqual(2);
        expect(sum / pixels.length).toBeLessThan(0.05);
      }
    });
  }

  it('encodes the talking head into an MP4 with WebCodecs (H.264 + audio) that ffprobe reads back', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    const report = await call('encodeVideo', { ...fixturePipeline, device: 'wasm' });
    console.log(
      `[browser] WebCodecs MP4: ${report.videoCodec} + ${report.audioCodec}, ${report.frameCount} frames, ` +
        `${Math.round((report.mp4.length * 3) / 4 / 1024)} KiB`,
    );
    expect(report).toMatchObject({
      frameCount: 25,
      framesWritten: 25,
      framesPadded: 0,
      width: 320,
      height: 320,
    });
    expect(report.videoCodec).toMatch(/^avc1\./);
    // Debian's Chromium has no AAC encoder: Opus in MP4 there, AAC where the platform offers it.
    expect(report.audioCodec).toMatch(/^(mp4a\.40\.2|opus)$/);
    expect(report.audioDurationSeconds).toBeCloseTo(1, 6);
    expect(report.canvasSize).toEqual([320, 320]);

    // Beside the served bundle: removed with the site when the session closes.
    const file = join(ready().site.bundleDirectory, '..', '..', 'webcodecs.mp4');
    await writeFile(file, Buffer.from(report.mp4, 'base64'));
    const { video, audio } = await probeMedia(file, { countFrames: true });
    expect(video).toMatchObject({
      codecName: 'h264',
      width: 320,
      height: 320,
      frameRate: 25,
      frameCount: 25,
    });
    expect(audio?.codecName).toBe(report.audioCodec === 'opus' ? 'opus' : 'aac');
    expect(Math.abs(video!.duration! - 1)).toBeLessThanOrEqual(0.04);
    expect(Math.abs(audio!.duration! - video!.duration!)).toBeLessThanOrEqual(0.04);
  });

  it('loads the gather warping module on webgpu, without GridSample, and reports node placement', async (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    needWebGpu((note) => ctx.skip(note));
    const { manifest, bundleDirectory } = ready().site;
    const component = manifest.components.warping_module!;
    const gatherFile = component.devices?.webgpu?.file.path;
    expect(gatherFile).toBeDefined();
    const ops = (path: string) => readFile(join(bundleDirectory, path)).then((b) => countOnnxOps(b));
    // Checked on both files, so a broken op counter cannot pass this test.
    expect((await ops(component.file.path)).GridSample).toBeGreaterThan(0);
    const gatherOps = await ops(gatherFile!);
    expect(gatherOps.GridSample).toBeUndefined();

    const feeds: Record<string, TensorLike> = {};
    for (const [name, spec] of Object.entries(component.inputs)) {
      const dims = spec.dims.map((d) => (typeof d === 'number' ? d : 1));
      const t = testInput(dims, name.length);
      // Keypoints inside the volume, mostly: the warp then samples real features.
      feeds[name] = name.startsWith('kp')
        ? createTensor(
            'float32',
            dims,
            t.data.map((v) => v * 0.6),
          )
        : t;
    }
    const bundle = await openModelBundle(createDirectorySource(bundleDirectory));
    const warp = await bundle.createSession(createOnnxNodeBackend(), 'warping_module', { device: 'cpu' });
    const reference = await warp.run(feeds);
    await warp.dispose();

    harness.console.length = 0;
    const report = await call('loadComponent', {
      models: '/models/fixture/',
      component: 'warping_module',
      device: 'webgpu',
      verbose: true,
      feeds: Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, toJson(t)])),
    });
    expect(report.device).toBe('webgpu');
    expect(report.files).toEqual([gatherFile]);
    const placement = parseNodePlacement(harness.console);
    const total = Object.values(gatherOps).reduce((a, b) => a + b, 0);
    const placementLines = harness.console.filter((line) => line.includes('placed on ['));
    console.log(
      `[browser] ${gatherFile}: ${total} nodes in the file; onnxruntime says:\n${placementLines.join('\n')}`,
    );
    expect(placement, 'no "placed on [" line in the VERBOSE log').toBeDefined();
    // The point of the gather variant: nothing falls back to the CPU (a fallback would list its nodes here).
    expect(placement!.nodes).toEqual({ WebGpuExecutionProvider: [] });
    expect(Object.keys(placement!.counts)).toEqual(['WebGpuExecutionProvider']);
    for (const name of Object.keys(component.outputs)) {
      const expected = toJson(reference[name]!);
      const scale = Math.max(1, ...expected.data.map(Math.abs));
      const error = maxAbsDiff(report.outputs[name]!.data, expected.data);
      console.log(
        `[browser] warping.${name} webgpu (gather) vs node cpu (GridSample): ${error.toExponential(2)}`,
      );
      expect(error).toBeLessThan(1e-4 * scale);
    }
  });

  it('raised no uncaught error in the harness page', (ctx) => {
    if (session.skipReason) return ctx.skip(session.skipReason);
    expect(harness.errors).toEqual([]);
  });
});
