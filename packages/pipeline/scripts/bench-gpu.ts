/**
 * GPU benchmark of the SDK on onnxruntime-node: per-component latency, the renderer's W→G loop, motion
 * sampling per second of audio, and the whole pipeline's frame rate (no video encoding: the GPU machine has
 * no ffmpeg). Builds an official-size bundle with random-valued synthetic weights if the folder has none.
 *
 *   node bench-gpu.mjs --bundle /tmp/bundle --device cuda [--runs 20] [--seconds 8] [--render-batches 1,4,8]
 *     [--dtype fp32|fp16] [--skip-components] [--label name] [--out result.json]
 *     [--backend onnx-node|onnx-capi] [--capi '<OnnxCapiSessionOptions as JSON>'] [--render-graphs split]
 *
 * `--backend onnx-capi` runs every model on `@joyvasa/backend-onnx-capi`, `--capi` being its options for
 * every session (the CUDA provider's own options, pinned host memory). It is imported only then, so that the
 * script also bundles against a baseline without that package (scripts/gpu-bench.sh marks it external).
 *
 * For each render batch: frames/s after the first frame, the first frame after `stream()` on a head
 * `warmUp` has warmed, and a timeline of one batch (each stage's ms from the sessions' own times, the host's
 * rest, and an estimate of the host ↔ device copies). `--dtype fp16` builds a missing bundle in float16.
 * The script uses only APIs that the baseline SDK has too, so it is also bundled against the baseline
 * (scripts/gpu-bench.sh `pipeline`) and both run in one call on one bundle.
 *
 * Prints figures only. Also runs on this repository's CPU machine (--device cpu, --bundle fixture).
 */
import { writeFileSync } from 'node:fs';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type Device, type Float32Tensor, type TensorLike } from '@joyvasa/core';
import { createTalkingHead } from '@joyvasa/pipeline';
import { openBenchBundle } from './bench-bundle.js';
import { formatTimeline, measureBatch, measureTransferRate } from './pipeline-timeline.js';
import { median, parseScriptArgs } from './script-args.js';
import { createTimedBackend } from './timed-backend.js';

const values = parseScriptArgs(
  {
    bundle: '/tmp/joyvasa-bench-bundle',
    device: 'cuda',
    runs: '20',
    seconds: '8',
    out: undefined,
    'render-batch': '1',
    'render-batches': undefined,
    dtype: 'fp32',
    label: 'this branch',
    backend: 'onnx-node',
    capi: undefined,
    'render-graphs': undefined,
  },
  ['skip-pipeline', 'skip-components'],
);
const device = values.device as Device;
const runs = Number(values.runs);
const results: Record<string, unknown> = { device, backend: values.backend };
const log = (line: string) => console.log(line);

function tensor(dims: number[], scale = 0.5, phase = 0): Float32Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return createTensor(
    'float32',
    dims,
    Float32Array.from({ length: size }, (_, i) => scale * Math.sin(i * 0.37 + phase)),
  );
}

async function timed(run: () => Promise<unknown>, count: number): Promise<{ median: number; min: number }> {
  for (let i = 0; i < 3; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return { median: median(times), min: Math.min(...times) };
}

const dtype = values.dtype === 'fp16' ? 'fp16' : 'fp32';
const { directory: bundleFolder, bundle } = await openBenchBundle(values.bundle, log, dtype);
results.label = values.label;
results.components_in_bundle = Object.keys(bundle.manifest.components);
const backend =
  values.backend === 'onnx-capi'
    ? (await import('@joyvasa/backend-onnx-capi')).createOnnxCapiBackend({
        preference: [device],
        ...(values.capi ? { sessionDefaults: JSON.parse(values.capi) } : {}),
      })
    : createOnnxNodeBackend({ preference: [device] });
log(`device ${device}: supported ${(await backend.supportedDevices()).join(', ')}`);

/** Inputs for a component from its manifest specs: free dims take 2 for the CFG batch, 64000 audio samples. */
function feedsFor(name: string): Record<string, TensorLike> {
  const specs = bundle.manifest.components[name]!.inputs;
  return Object.fromEntries(
    Object.entries(specs).map(([input, spec], index) => {
      const dims = spec.dims.map((dim) =>
        typeof dim === 'number' ? dim : dim === 'samples' ? 64000 : name === 'denoiser' ? 2 : 1,
      );
      if (spec.type === 'int64')
        return [input, createTensor('int64', dims, new BigInt64Array(dims[0]!).fill(50n))];
      return [input, tensor(dims, input.startsWith('kp_') ? 0.3 : 0.2, index)];
    }),
  );
}
const names = [
  'appearance_feature_extractor',
  'motion_extractor',
  'warping_module',
  'spade_generator',
  'audio_encoder',
  'denoiser',
];
const feeds = Object.fromEntries(names.map((name) => [name, feedsFor(name)]));
if (!values['skip-components']) await benchComponents();

async function benchComponents() {
  const components: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(feeds)) {
    const start = performance.now();
    const session = await bundle.createSession(backend, name, { device });
    const create = performance.now() - start;
    const time = await timed(() => session.run(input), runs);
    components[name] = { createMs: create, ...time };
    log(
      `${name.padEnd(30)} create ${create.toFixed(0).padStart(6)} ms   run median ${time.median.toFixed(2).padStart(8)} ms  min ${time.min.toFixed(2)}`,
    );
    await session.dispose();
  }
  // The Gather-based warping variant (built for WebGPU, which lacks 5-D GridSample), on this device too.
  const gatherFile = bundle.manifest.components.warping_module?.devices?.webgpu?.file;
  if (gatherFile) {
    const session = await backend.createSession(await bundle.readFile(gatherFile), {
      device,
      name: 'warping_module_gather',
    });
    const time = await timed(() => session.run(feeds.warping_module!), runs);
    components['warping_module (gather variant)'] = time;
    log(
      `${'warping_module (gather variant)'.padEnd(30)}                run median ${time.median.toFixed(2).padStart(8)} ms  min ${time.min.toFixed(2)}`,
    );
    await session.dispose();
  }
  results.components = components;

  // The renderer as the pipeline runs it: W, then G, with the feature map passing through the host.
  const warping = await bundle.createSession(backend, 'warping_module', { device });
  const generator = await bundle.createSession(backend, 'spade_generator', { device });
  const render = await timed(async () => {
    const { out } = await warping.run(feeds.warping_module!);
    await generator.run({ feature: out! });
  }, runs);
  results.renderPerFrameMs = render;
  log(
    `render W→G per frame: median ${render.median.toFixed(2)} ms (${(1000 / render.median).toFixed(1)} frames/s)`,
  );
  await warping.dispose();
  await generator.dispose();
}

if (values['skip-pipeline']) {
  if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 2));
  process.exit(0);
}

// The whole pipeline on a synthetic textured 1024x1024 image and a chirp, frames not encoded.
const seconds = Number(values.seconds);
const pcm = Float32Array.from(
  { length: seconds * 16000 },
  (_, i) => 0.3 * Math.sin(2 * Math.PI * (120 + 40 * Math.sin(i / 4000)) * (i / 16000)),
);
const side = 1024;
const pixels = new Uint8Array(side * side * 3);
for (let i = 0; i < pixels.length; i++)
  pixels[i] = (128 + 100 * Math.sin(i * 0.013) * Math.cos(i * 0.00071)) & 255;
const input = {
  image: { width: side, height: side, channels: 3 as const, data: pixels },
  audio: { pcm, sampleRate: 16000 },
};
const timedBackend = createTimedBackend(backend);
const msPerByte = await measureTransferRate(backend, device);
results.transferGiBPerSecond = 1 / (msPerByte * 1e6 * 1.073741824);
log(
  `${values.label}: host ↔ device copies ${(results.transferGiBPerSecond as number).toFixed(2)} GiB/s (Identity graph, in and out)`,
);
const loadStart = performance.now();
// `--render-graphs split`: W then G as two sessions (W's output kept on the device where the backend can).
const renderGraphs = values['render-graphs'] as 'auto' | 'split' | undefined;
const head = await createTalkingHead({
  models: bundleFolder,
  device,
  backend: timedBackend.backend,
  ...(renderGraphs ? { renderGraphs } : {}),
});
const batches = (values['render-batches'] ?? values['render-batch']).split(',').map(Number);
const batchRuns: unknown[] = [];
for (const renderBatch of batches) {
  const run = await measureBatch(head, timedBackend, input, renderBatch, msPerByte);
  if (batchRuns.length === 0) results.firstLoadAndWarmUpMs = performance.now() - loadStart;
  batchRuns.push(run);
  results.pipeline = batchRuns;
  // Written after each batch, so that a run cut short by its time limit still leaves its figures.
  if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 2));
  log(
    `${values.label}: pipeline, render batch ${renderBatch}: ${run.frames} frames for ${seconds} s of audio, ` +
      `${run.steadyFramesPerSecond.toFixed(1)} frames/s after the first frame; first frame ${run.firstFrameMs.toFixed(0)} ms ` +
      `(warmed head: ${run.warmFirstFrameMs.toFixed(0)} ms after stream()); one batch:\n${formatTimeline(run)}`,
  );
}
results.pipeline = batchRuns;
await head.dispose();
if (values.out) writeFileSync(values.out, JSON.stringify(results, null, 2));
