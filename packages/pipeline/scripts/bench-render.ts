/**
 * The renderer's speed: W (warping module), G (SPADE generator) and W+G (W then G, the feature map passing
 * through the host as the pipeline runs it), per frame, for each device, batch and precision.
 *
 *   pnpm bench:render [--device cpu,cuda,webgpu] [--threads N] [--runs N] [--batch 1,4,8]
 *                     [--dtype fp32,fp16] [--bundle <folder>] [--bundle-fp16 <folder>] [--json]
 *                     [--out <file.jsonl>] [--ort '<onnxruntime session options as JSON>'] [--clock cpu]
 *                     [--fused] [--family default|webgpu|conv2d]
 *                     [--backend onnx-node|onnx-capi] [--capi '<OnnxCapiSessionOptions as JSON>'] [--label <name>]
 *                     [--upload-volume] [--fixed-batch] [--capi-w '<JSON>'] [--capi-g '<JSON>']
 *                     [--warping-variant <W form>] [--generator-variant <G form>]
 *                     [--stages split,device,fused]
 *
 * Defaults: the devices onnxruntime-node finds; batches 1,4,8 and fp32,fp16 on GPUs, batch 1 and fp32 on
 * the CPU (as `../shared/bench/official_renderer.py` does there). Graphs: a bundle's W and G when
 * `--bundle` (fp32) or `--bundle-fp16` (`joyvasa convert --dtype fp16`) names one, or for fp32 the converted
 * bundle in ~/.cache/joyvasa/bundles/joyvasa when it exists; else the official sizes built with PyTorch-default-like random weights and cached in the temp folder. Feeds follow
 * the official script: a uniform [0, 1) volume, source keypoints in [0, 0.5), driving = source + 0.02·N(0, 1).
 *
 * `--backend onnx-capi` runs on `@joyvasa/backend-onnx-capi` (onnxruntime's C API: the CUDA provider's own
 * options from `--capi`, e.g. '{"cuda":{"preferNhwc":true,"enableCudaGraph":true}}'); `--upload-volume` feeds
 * W's appearance volume as a tensor uploaded once (`SessionV1.upload`) instead of copying it in every run;
 * `--label` names the configuration in the JSON lines (`variant`). `--capi-w` and `--capi-g` override
 * `--capi` for W (`warping_module`) and G (`spade_generator`) alone, through the capi options' `sessions`
 * (e.g. W in NCHW, G with '{"cuda":{"preferNhwc":true,"fuseConvBias":true}}'). `--fixed-batch` opens every
 * session with its batch axis fixed at the run's batch (`SessionOptions.fixedAxes`), so onnxruntime folds the
 * batch's shape arithmetic and a CUDA graph can be captured.
 *
 * `--stages` picks what is timed: `split` W, G and W+G (W's output through the host, as the onnx-node
 * pipeline runs it, W fetching only `out` as the renderer does — until issue 21e it fetched all three; the
 * default), `device` `W→G on device` (W's `runToDevice`, its output handed to G as a
 * device tensor; backends with `runToDevice` only), `fused` `W+G fused` (one graph; what `--fused` adds);
 * `build` only builds and caches the graphs (a GPU call's first step, so no timed step pays for it).
 *
 * Each configuration: warm-up runs (1 on the CPU, 3 on GPUs), then the median of `--runs`, per frame.
 * `--json` prints one JSON object per line and stage, `{"stage","batch","dtype","device","ms_per_frame",
 * "fps","min_ms","max_ms"}`; the default is a table. Load and graph notes go to stderr. Prints figures only.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createOnnxCapiBackend } from '@joyvasa/backend-onnx-capi';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { Device, SessionFeed, SessionOptions, SessionV1, TensorLike } from '@joyvasa/core';
import { BATCH_DIM, type ModelDtype } from '@joyvasa/model-builder/onnx';
import { machineBusySeconds } from './machine-load.js';
import { officialStyleFeeds } from './render-feeds.js';
import { type GraphFamily, parseRenderForms, renderGraphs } from './render-graphs.js';
import { deviceStep, splitStep, timeRuns } from './render-steps.js';

const { values } = parseArgs({
  options: {
    device: { type: 'string' },
    threads: { type: 'string' },
    runs: { type: 'string', default: '5' },
    batch: { type: 'string' },
    dtype: { type: 'string' },
    bundle: { type: 'string' },
    'bundle-fp16': { type: 'string' },
    'cache-dir': { type: 'string', default: join(tmpdir(), 'joyvasa-bench-render') },
    ort: { type: 'string' },
    clock: { type: 'string', default: 'wall' },
    fused: { type: 'boolean', default: false },
    family: { type: 'string' },
    json: { type: 'boolean', default: false },
    out: { type: 'string' },
    backend: { type: 'string', default: 'onnx-node' },
    capi: { type: 'string' },
    label: { type: 'string' },
    'upload-volume': { type: 'boolean', default: false },
    'fixed-batch': { type: 'boolean', default: false },
    'warping-variant': { type: 'string' },
    'generator-variant': { type: 'string' },
    'capi-w': { type: 'string' },
    'capi-g': { type: 'string' },
    stages: { type: 'string' },
  },
});
type StageGroup = 'split' | 'device' | 'fused' | 'build';
const stageGroups = new Set(
  (values.stages?.split(',') ?? ['split', ...(values.fused ? ['fused'] : [])]) as StageGroup[],
);
const list = (text: string | undefined) => text?.split(',').filter(Boolean);
const runs = Number(values.runs);
const threads = values.threads ? Number(values.threads) : undefined;
const convertedBundle = join(homedir(), '.cache', 'joyvasa', 'bundles', 'joyvasa');
const bundles: Partial<Record<ModelDtype, string>> = {
  ...(values.bundle || existsSync(join(convertedBundle, 'manifest.json'))
    ? { fp32: values.bundle ?? convertedBundle }
    : {}),
  ...(values['bundle-fp16'] ? { fp16: values['bundle-fp16'] } : {}),
};
// Extra onnxruntime session options (JSON), for tuning runs: e.g. '{"enableCpuMemArena":false}'.
const ortOptions = values.ort ? JSON.parse(values.ort) : {};
const note = (line: string) => process.stderr.write(`${line}\n`);
// `cpu`: this process's CPU time instead of wall time, for 1-thread runs on a shared machine (the wait for
// a core is not counted; see docs/benchmarks.md).
const now =
  values.clock === 'cpu'
    ? () => {
        const { user, system } = process.cpuUsage();
        return (user + system) / 1000;
      }
    : () => performance.now();

/** One printed figure, in the JSON shape (keys in this order). */
interface StageResult {
  /**
   * `W+G fused`: W and G as one graph (`--fused`), the feature map staying on the device; `W→G on device`:
   * two sessions, W's output handed to G as a device tensor.
   */
  stage: 'W' | 'G' | 'W+G' | 'W+G fused' | 'W→G on device';
  batch: number;
  dtype: ModelDtype;
  device: Device;
  ms_per_frame: number;
  fps: number;
  min_ms: number;
  max_ms: number;
  /** `--label`, when given. */
  variant?: string;
}

const median = (times: readonly number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

function result(
  stage: StageResult['stage'],
  times: number[],
  batch: number,
  dtype: ModelDtype,
  device: Device,
) {
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const perFrame = median(times) / batch;
  return {
    stage,
    batch,
    dtype,
    device,
    ms_per_frame: round(perFrame, 3),
    fps: round(1000 / perFrame, 3),
    min_ms: round(Math.min(...times) / batch, 3),
    max_ms: round(Math.max(...times) / batch, 3),
    ...(values.label ? { variant: values.label } : {}),
  } satisfies StageResult;
}

const backend =
  values.backend === 'onnx-capi'
    ? createOnnxCapiBackend()
    : createOnnxNodeBackend({ preference: ['cuda', 'webgpu', 'cpu'] });
/** `--capi`, with `--capi-w` and `--capi-g` as its overrides for W and G by session name. */
function capiOptions(): Record<string, unknown> | undefined {
  const sessions = {
    ...(values['capi-w'] ? { warping_module: JSON.parse(values['capi-w']) } : {}),
    ...(values['capi-g'] ? { spade_generator: JSON.parse(values['capi-g']) } : {}),
  };
  const base = values.capi ? JSON.parse(values.capi) : undefined;
  if (Object.keys(sessions).length === 0) return base;
  return { ...base, sessions: { ...base?.sessions, ...sessions } };
}
const capi = capiOptions();
const backendOptions = {
  ...(values.ort ? { 'onnx-node': ortOptions } : {}),
  ...(capi ? { 'onnx-capi': capi } : {}),
};

type Feeds = Record<string, SessionFeed>;

/** The feeds of W (or the fused graph), the volume uploaded once when `--upload-volume` asks. */
async function rendererInput(session: SessionV1, feeds: Feeds): Promise<Feeds> {
  if (!values['upload-volume'] || !session.upload) return { ...feeds };
  return { ...feeds, feature_3d: await session.upload(feeds.feature_3d as TensorLike) };
}

const renderForms = parseRenderForms(values['warping-variant'], values['generator-variant']);

/** Times the `--stages` for one device, precision and batch. */
async function measure(device: Device, dtype: ModelDtype, batch: number): Promise<StageResult[]> {
  const family = (values.family ?? (device === 'webgpu' ? 'webgpu' : 'default')) as GraphFamily;
  const bundle = bundles[dtype];
  const graphs = await renderGraphs({
    dtype,
    family,
    cacheDir: values['cache-dir'],
    fused: stageGroups.has('fused') || stageGroups.has('build'),
    ...(bundle ? { bundle } : {}),
    forms: renderForms,
  });
  if (stageGroups.has('build')) return [];
  const options: SessionOptions = {
    device,
    ...(threads ? { threads } : {}),
    ...(values['fixed-batch'] ? { fixedAxes: { [BATCH_DIM]: batch } } : {}),
    backendOptions,
  };
  const feeds = officialStyleFeeds(batch);
  const warmups = device === 'cpu' ? 1 : 3;
  const busyBefore = machineBusySeconds();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const results: StageResult[] = [];
  const record = (times: Partial<Record<StageResult['stage'], number[]>>) => {
    for (const [stage, list] of Object.entries(times) as [StageResult['stage'], number[]][]) {
      results.push(result(stage, list, batch, dtype, device));
    }
  };
  const opened: SessionV1[] = [];
  const open = async (bytes: Uint8Array, name: string) => {
    opened.push(await backend.createSession(bytes, { ...options, name }));
    return opened.at(-1)!;
  };
  try {
    if (stageGroups.has('split') || stageGroups.has('device')) {
      const warping = await open(graphs.warping, 'warping_module');
      const generator = await open(graphs.generator, 'spade_generator');
      const input = await rendererInput(warping, feeds);
      if (stageGroups.has('split'))
        record(await timeRuns(warmups, runs, splitStep(now, warping, generator, input)));
      if (stageGroups.has('device')) {
        if (warping.runToDevice)
          record(await timeRuns(warmups, runs, deviceStep(now, warping, generator, input)));
        else note(`${backend.name}: no runToDevice; W→G on device skipped`);
      }
    }
    if (graphs.fused) {
      const fused = await open(graphs.fused, 'renderer');
      const input = await rendererInput(fused, feeds);
      record(
        await timeRuns(warmups, runs, async () => {
          const start = now();
          await fused.run(input);
          return { 'W+G fused': now() - start };
        }),
      );
    }
  } finally {
    await Promise.all(opened.map((session) => session.dispose()));
  }
  const wall = (performance.now() - wallBefore) / 1000;
  const own = process.cpuUsage(cpuBefore);
  const others = (machineBusySeconds() - busyBefore - (own.user + own.system) / 1e6) / wall;
  note(
    `${device} ${dtype} batch ${batch}: ${graphs.source}; family ${family}; threads ${threads ?? 'default'}; clock ${values.clock}; ` +
      `fixed batch ${values['fixed-batch']}; other processes ${Math.max(0, others).toFixed(2)} cores; load ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
  );
  return results;
}

function print(results: readonly StageResult[]): void {
  if (values.json) {
    for (const line of results) console.log(JSON.stringify(line));
    return;
  }
  for (const r of results) {
    console.log(
      `${r.device.padEnd(7)} ${r.dtype} batch ${String(r.batch).padStart(2)}  ${r.stage.padEnd(13)}  ` +
        `${r.ms_per_frame.toFixed(2).padStart(10)} ms/frame  ${r.fps.toFixed(1).padStart(7)} frames/s  ` +
        `(min ${r.min_ms.toFixed(2)}, max ${r.max_ms.toFixed(2)})`,
    );
  }
}

// Probing a device costs a session (and, for webgpu, driver noise): only when none is named.
const devices = (list(values.device) as Device[] | undefined) ?? (await backend.supportedDevices());
note(`devices: ${devices.join(', ')}; runs ${runs}`);
if (!values.json) console.log('device  dtype batch   stage      median per frame (min, max per frame)');
for (const device of devices) {
  const gpu = device !== 'cpu';
  const dtypes = (list(values.dtype) ?? (gpu ? ['fp32', 'fp16'] : ['fp32'])) as ModelDtype[];
  const batches = (list(values.batch) ?? (gpu ? ['1', '4', '8'] : ['1'])).map(Number);
  for (const dtype of dtypes) {
    for (const batch of batches) {
      if (device === 'webgpu' && batch > 1) {
        note('webgpu: its W variant (Gather sampling, Conv3D as Conv2D) runs batch 1 only; skipped');
        continue;
      }
      // A configuration the runtime refuses (an option a graph cannot take) is logged; the others still run.
      const results = await measure(device, dtype, batch).catch((error: unknown) => {
        note(`!! ${device} ${dtype} batch ${batch}: ${(error as Error).message}`);
        return [];
      });
      print(results);
      if (values.out) appendFileSync(values.out, results.map((r) => `${JSON.stringify(r)}\n`).join(''));
    }
  }
}
