/**
 * Per-stage cost of one animation on onnxruntime-node (cpu) with the FULL-SIZE graphs (the `formula`
 * synthetic bundle: official sizes, formula weights; `--kind fixture` times the shrunk fixture bundle
 * instead). Prints one table per intra-op thread count.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-stages.ts \
 *     [--runs 3] [--threads 1,2] [--image ../shared/data/images/human_01.jpg] [--kind formula|fixture] \
 *     [--bundle DIR] [--keep] \
 *     [--encode-frames 25] [--preset medium] [--write-only]
 *
 * The bundle (formula: ~1.9 GB) is written once with writeBundle to --bundle (default <tmpdir>/joyvasa-bench-<kind>,
 * the folder bench-end-to-end.ts uses too)
 * and reused when it is already there; it is deleted at the end unless --keep (or --write-only) is given.
 * Each stage: one warm-up, then the median of --runs runs; network stages keep one session per thread count and
 * alternate between them run by run, so that both see the same machine load. Besides wall time it prints the
 * CPU time of this process (and of ffmpeg) and how many cores other processes kept busy meanwhile (/proc/stat),
 * since the machine may be shared. Prints figures only; nothing is asserted.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import {
  bundleComponents,
  componentFile,
  createTensor,
  type Float32Tensor,
  type RgbImage,
  type TensorLike,
} from '@joyvasa/core';
import {
  imageToTensor,
  loadMaskTemplate,
  pasteBack,
  preparePasteBackMask,
  tensorToImage,
} from '@joyvasa/liveportrait';
import {
  createKeypointDriver,
  createMlpRunner,
  cropSource,
  detectFace,
  parseKeypointInfo,
  resizeToLimit,
  transformKeypoint,
} from '@joyvasa/liveportrait/internal';
import { readImage } from '@joyvasa/liveportrait/node';
import type { SyntheticBundleKind } from '@joyvasa/model-builder/synthetic';
import { createFfmpegVideoSink, type X264Preset } from '../src/node/index.js';
import { benchBundleFolder, openWrittenBenchBundle } from './bench-bundle.js';
import { childCpuSeconds, loadAverage as load, machineBusySeconds, machineHeader } from './machine-load.js';
import { median, parseScriptArgs } from './script-args.js';

const values = parseScriptArgs(
  {
    runs: '3',
    threads: '1,2',
    image: '../shared/data/images/human_01.jpg',
    kind: 'formula',
    bundle: undefined,
    'encode-frames': '25',
    preset: 'medium',
  },
  ['keep', 'write-only'],
);
const runs = Number(values.runs);
const threadCounts = values.threads.split(',').map(Number);
const encodeFrames = Number(values['encode-frames']);
const preset = values.preset as X264Preset;
const kind = values.kind as SyntheticBundleKind;
const bundleDir = values.bundle ?? benchBundleFolder(kind);

async function timed<T>(task: () => T | Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await task();
  return [result, performance.now() - start];
}

/** Wall and CPU time of one run, and how many cores other processes kept busy meanwhile. */
interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly busy: number;
}
async function sample(task: () => unknown | Promise<unknown>): Promise<Sample> {
  const busy = machineBusySeconds();
  const cpu = process.cpuUsage();
  const children = childCpuSeconds();
  const start = performance.now();
  await task();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const ownCpu = (used.user + used.system) / 1000 + (childCpuSeconds() - children) * 1000;
  return { wall, cpu: ownCpu, busy: (machineBusySeconds() - busy) * 1000 };
}

/** Median wall time (min, max), median CPU time of this process (+ ffmpeg), and other processes' cores. */
interface Measured {
  readonly wall: readonly [number, number, number];
  readonly cpu: number;
  /** Average cores used by other processes over the timed runs (1/100 s ticks: NaN below 0.5 s in all). */
  readonly others: number;
}
function summarise(samples: readonly Sample[]): Measured {
  const walls = samples.map((s) => s.wall);
  const wall = walls.reduce((a, b) => a + b, 0);
  // Below half a second of timed runs the 1/100 s ticks of /proc/stat say nothing: NaN, printed as "–".
  const others =
    wall < 500 ? Number.NaN : samples.reduce((sum, s) => sum + Math.max(0, s.busy - s.cpu), 0) / wall;
  return {
    wall: [median(walls), Math.min(...walls), Math.max(...walls)],
    cpu: median(samples.map((s) => s.cpu)),
    others,
  };
}

/** One warm-up, then `runs` timed runs. */
async function measure(task: () => unknown | Promise<unknown>, count = runs): Promise<Measured> {
  await task();
  const samples: Sample[] = [];
  for (let i = 0; i < count; i++) samples.push(await sample(task));
  return summarise(samples);
}

const { bundle } = await openWrittenBenchBundle(kind, bundleDir, (line) => console.log(line));
const totalBytes = Object.values(bundle.manifest.components).reduce(
  (sum, c) =>
    sum + c.file.bytes + Object.values(c.devices ?? {}).reduce((s, d) => s + (d?.file.bytes ?? 0), 0),
  0,
);
console.log(
  `bundle ${bundle.manifest.name} (${bundle.manifest.provenance}) at ${bundleDir}: ${(totalBytes / 2 ** 30).toFixed(2)} GiB`,
);
if (values['write-only']) process.exit(0);

console.log(machineHeader());
console.log(
  `runs: 1 warm-up + median of ${runs}; network stages alternate between ${threadCounts.join(' and ')} intra-op threads run by run; image ${values.image}`,
);

const backend = createOnnxNodeBackend();
const componentBytes = async (name: string, variant?: 'webgpu') => {
  const component = bundle.manifest.components[name]!;
  return bundle.readFile(variant ? component.devices![variant]!.file : componentFile(component, 'cpu'));
};
const session = async (name: string, threads: number, variant?: 'webgpu') =>
  backend.createSession(await componentBytes(name, variant), { device: 'cpu', threads, name });

const fmt = (ms: number) =>
  ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
const cores = (value: number) => (Number.isNaN(value) ? '–' : value.toFixed(2));
const span = (m: Measured) => `${fmt(m.wall[0])} (${fmt(m.wall[1])}–${fmt(m.wall[2])})`;

type Row = { stage: string; per: string; measured: Measured; note?: string };
function printTable(title: string, rows: Row[]) {
  console.log(`\n${title}`);
  console.log('| stage | per | wall median (min–max) | CPU median | other processes (cores) | note |');
  console.log('| --- | --- | ---: | ---: | ---: | --- |');
  for (const row of rows) {
    console.log(
      `| ${row.stage} | ${row.per} | ${span(row.measured)} | ${fmt(row.measured.cpu)} | ${cores(row.measured.others)} | ${row.note ?? ''} |`,
    );
  }
}

// --- Source stages (JavaScript, no threads option; the detector is the fixture stand-in). -------------------
const original = await readImage(values.image);
const sourceRows: Row[] = [];
sourceRows.push({
  stage: 'decode image (sharp)',
  per: 'source',
  measured: await measure(() => readImage(values.image)),
  note: values.image.split('/').at(-1),
});
const faceThreads = threadCounts.at(-1)!;
const face = {
  detector: await session(bundleComponents.faceDetector, faceThreads),
  landmark106: await session(bundleComponents.faceLandmarks106, faceThreads),
  landmark203: await session(bundleComponents.faceLandmarks203, faceThreads),
};
let image: RgbImage = original;
sourceRows.push({
  stage: 'resize to limit (JS)',
  per: 'source',
  measured: await measure(() => {
    image = resizeToLimit(original);
  }),
  note: `${original.width}x${original.height} → ${image.width}x${image.height}`,
});
let detected: Awaited<ReturnType<typeof detectFace>> | undefined;
sourceRows.push({
  stage: 'detect: fixture det + 106 + 203 (ORT)',
  per: 'source',
  measured: await measure(async () => {
    detected = await detectFace(image, face);
  }),
  note: `fixture stand-ins for det_10g, 2d106det, landmark: NOT representative; ${faceThreads} threads`,
});
let crop: ReturnType<typeof cropSource> | undefined;
sourceRows.push({
  stage: 'crop 512 + area 256 (JS)',
  per: 'source',
  measured: await measure(() => {
    crop = cropSource(image, detected!.landmarks106);
  }),
});
let img: Float32Tensor | undefined;
sourceRows.push({
  stage: 'image → tensor 256 (JS)',
  per: 'source',
  measured: await measure(() => {
    img = imageToTensor(crop!.input);
  }),
});
const template = await loadMaskTemplate();
let mask: ReturnType<typeof preparePasteBackMask> | undefined;
sourceRows.push({
  stage: 'paste-back mask (JS)',
  per: 'source',
  measured: await measure(() => {
    mask = preparePasteBackMask(template, crop!.transform.mC2o, image.width, image.height);
  }),
  note: `${image.width}x${image.height}`,
});
await Promise.all(Object.values(face).map((s) => s.dispose()));
console.log(`source stages done, load ${load()}`);

// --- Network stages: one session per thread count, runs alternating between them. ------------------------------
interface NetworkRow {
  readonly stage: string;
  readonly per: string;
  readonly byThreads: Map<number, { measured: Measured; create: number }>;
}
const networkRows: NetworkRow[] = [];

async function networkStage<S>(
  stage: string,
  per: string,
  open: (threads: number) => Promise<S>,
  run: (opened: S) => Promise<unknown>,
  close: (opened: S) => Promise<void>,
): Promise<void> {
  const opened = new Map<number, { value: S; create: number }>();
  for (const threads of threadCounts) {
    const [value, create] = await timed(() => open(threads));
    opened.set(threads, { value, create });
    await run(value);
  }
  const samples = new Map<number, Sample[]>(threadCounts.map((t) => [t, []]));
  for (let i = 0; i < runs; i++) {
    for (const threads of threadCounts)
      samples.get(threads)!.push(await sample(() => run(opened.get(threads)!.value)));
  }
  const row: NetworkRow = { stage, per, byThreads: new Map() };
  for (const [threads, { value, create }] of opened) {
    row.byThreads.set(threads, { measured: summarise(samples.get(threads)!), create });
    await close(value);
  }
  networkRows.push(row);
  const cells = [...row.byThreads].map(
    ([t, { measured }]) => `${t} thr ${span(measured)}, CPU ${fmt(measured.cpu)}`,
  );
  console.log(`  ${stage}: ${cells.join('; ')}; load ${load()}`);
}

const loadBeforeNetwork = load();
let features: Float32Tensor | undefined;
await networkStage(
  'F appearance_feature_extractor',
  'source',
  (t) => session(bundleComponents.appearanceFeatureExtractor, t),
  async (s) => {
    features = (await s.run({ img: img! })).feature_3d as Float32Tensor;
  },
  (s) => s.dispose(),
);
let outputs: Record<string, TensorLike> = {};
await networkStage(
  'M motion_extractor',
  'source',
  (t) => session(bundleComponents.motionExtractor, t),
  async (s) => {
    outputs = await s.run({ img: img! });
  },
  (s) => s.dispose(),
);
const info = parseKeypointInfo(outputs);
const sourceKeypoints = transformKeypoint(info);
// A driving frame: the source's own motion with a small change of expression.
const frameMotion = {
  exp: info.exp.map((v, i) => v + 0.01 * Math.sin(i)),
  scale: info.scale,
  t: info.t,
  pitch: info.pitch,
  yaw: info.yaw,
  roll: info.roll,
};
let driving: Float32Array = new Float32Array(0);
await networkStage(
  'keypoint driver + stitching MLP',
  'frame',
  async (t) => {
    const stitching = await session(bundleComponents.stitching, t);
    return {
      stitching,
      driver: createKeypointDriver(info, { mode: 'human', stitching: createMlpRunner(stitching) }),
    };
  },
  async ({ driver }) => {
    driving = await driver.drive(frameMotion);
  },
  ({ stitching }) => stitching.dispose(),
);
const kpSource = createTensor('float32', [1, 21, 3], sourceKeypoints);
const kpDriving = createTensor('float32', [1, 21, 3], driving);
let warped: Float32Tensor | undefined;
for (const variant of ['native', 'gather'] as const) {
  await networkStage(
    `W warping_module (${variant} GridSample)`,
    'frame',
    (t) => session(bundleComponents.warpingModule, t, variant === 'gather' ? 'webgpu' : undefined),
    async (s) => {
      warped = (await s.run({ feature_3d: features!, kp_driving: kpDriving, kp_source: kpSource }))
        .out as Float32Tensor;
    },
    (s) => s.dispose(),
  );
}
let lastRendered: Float32Tensor | undefined;
await networkStage(
  'G spade_generator',
  'frame',
  (t) => session(bundleComponents.spadeGenerator, t),
  async (s) => {
    lastRendered = (await s.run({ feature: warped! })).image as Float32Tensor;
  },
  (s) => s.dispose(),
);
const loadAfterNetwork = load();

// --- Per-frame JavaScript stages and encoding. ------------------------------------------------------------------
const frameRows: Row[] = [];
let rendered: RgbImage | undefined;
frameRows.push({
  stage: 'tensor → image 512 (JS)',
  per: 'frame',
  measured: await measure(() => {
    rendered = tensorToImage(lastRendered!);
  }),
});
let pasted: RgbImage | undefined;
frameRows.push({
  stage: 'paste-back (JS)',
  per: 'frame',
  measured: await measure(() => {
    pasted = pasteBack(rendered!, image, mask!);
  }),
  note: `into ${image.width}x${image.height}`,
});

/** Distinct frames: the rendered crop shifted by a few pixels per frame, pasted back (a moving face on a still background). */
const frames: RgbImage[] = [];
for (let i = 0; i < encodeFrames; i++) {
  const shift = (i * 3) % 512;
  const data = new Uint8Array(rendered!.data.length);
  const row = 512 * 3;
  for (let y = 0; y < 512; y++) {
    const from = y * row;
    data.set(rendered!.data.subarray(from + shift * 3, from + row), from);
    data.set(rendered!.data.subarray(from, from + shift * 3), from + row - shift * 3);
  }
  frames.push(pasteBack({ ...rendered!, data }, image, mask!));
}
const encodeOutput = join(tmpdir(), `joyvasa-bench-encode-${process.pid}.mp4`);
const encoded = await measure(async () => {
  const sink = createFfmpegVideoSink({ output: encodeOutput, preset });
  await sink.start({ width: pasted!.width, height: pasted!.height, fps: 25, frameCount: frames.length });
  for (const [index, frame] of frames.entries()) await sink.write(frame, index);
  await sink.finish();
});
await rm(encodeOutput, { force: true });
const perFrame = (ms: number) => ms / frames.length;
frameRows.push({
  stage: `ffmpeg sink, x264 ${preset}, crf 18`,
  per: 'frame',
  measured: {
    wall: [perFrame(encoded.wall[0]), perFrame(encoded.wall[1]), perFrame(encoded.wall[2])],
    cpu: perFrame(encoded.cpu),
    others: encoded.others,
  },
  note: `${pasted!.width}x${pasted!.height}, ${frames.length} frames per run, per-frame share of start → finish; CPU includes ffmpeg's`,
});

// --- Tables. -------------------------------------------------------------------------------------------------------
printTable(`source stages, JavaScript and the fixture detector`, sourceRows);
console.log(
  `\nnetwork stages, onnxruntime-node cpu (load before ${loadBeforeNetwork}, after ${loadAfterNetwork})`,
);
console.log(
  `| stage | per | ${threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''}: wall median (min–max) | CPU`).join(' | ')} | other processes (cores) | session create |`,
);
console.log(`| --- | --- | ${threadCounts.map(() => '---: | ---:').join(' | ')} | ---: | --- |`);
for (const row of networkRows) {
  const cells = threadCounts.map((t) => {
    const { measured } = row.byThreads.get(t)!;
    return `${span(measured)} | ${fmt(measured.cpu)}`;
  });
  const others = threadCounts.map((t) => cores(row.byThreads.get(t)!.measured.others)).join(' / ');
  const create = threadCounts.map((t) => fmt(row.byThreads.get(t)!.create)).join(' / ');
  console.log(`| ${row.stage} | ${row.per} | ${cells.join(' | ')} | ${others} | ${create} |`);
}
printTable(`per-frame JavaScript stages and encoding`, frameRows);

// Sums of medians: what one frame and one source cost when the stages run one after another.
const networkMedian = (prefix: string, threads: number) =>
  networkRows.find((r) => r.stage.startsWith(prefix))?.byThreads.get(threads)?.measured.wall[0] ?? 0;
const jsPerFrame = frameRows.reduce((sum, r) => sum + r.measured.wall[0], 0);
const sourceOnce = sourceRows.reduce((sum, r) => sum + r.measured.wall[0], 0);
console.log('\nsums of medians (wall)');
console.log(
  '| threads | W native + G | W gather + G | per frame (driver + W native + G + JS + encode) | per source (source stages + F + M) |',
);
console.log('| ---: | ---: | ---: | ---: | ---: |');
for (const t of threadCounts) {
  const g = networkMedian('G ', t);
  const native = networkMedian('W warping_module (native', t);
  const gather = networkMedian('W warping_module (gather', t);
  const driver = networkMedian('keypoint driver', t);
  const source = sourceOnce + networkMedian('F ', t) + networkMedian('M ', t);
  console.log(
    `| ${t} | ${fmt(native + g)} | ${fmt(gather + g)} | ${fmt(driver + native + g + jsPerFrame)} | ${fmt(source)} |`,
  );
}
console.log(`\nload average at end: ${load()}`);

if (!values.keep) {
  await rm(bundleDir, { recursive: true, force: true });
  console.log(`\nremoved ${bundleDir} (pass --keep to reuse it)`);
}
