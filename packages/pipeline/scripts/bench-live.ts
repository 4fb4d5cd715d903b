/**
 * Live benchmark (not a test): synthetic speech streamed into `stream()` in 20 ms chunks, as a microphone
 * sends it, and per window: the latency from the moment the window's audio is in to its first frame;
 * the steady-state real-time factor (wall seconds per audio second, windows 2…n); with `--realtime`, the
 * producer runs at wall-clock speed and the drift (frame made − frame's presentation time) is reported;
 * resident memory after every window. Machine load is printed beside the figures (shared machines).
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-live.ts \
 *     [--seconds 600] [--bundle fixture|formula|<folder>] [--device cpu|cuda] [--realtime] [--real-renderer]
 *     [--lookahead 1] [--ddim 5] [--render-batch 1] [--preload] [--out result.json]
 *     [--heads 4] [--share-head] [--thread worker|main]
 *
 * `--heads N` runs N live streams at once in this process on one device, each fed by its own microphone:
 * per head its figures, and the aggregate frames/s. By default each stream has a talking head of its own
 * (N copies of the sessions, one backend); `--share-head` animates the N streams with one head (one copy
 * of the sessions, their runs taking turns per session). `--thread` picks where the sessions run
 * (`createOnnxNodeBackend({ thread })`, default worker threads, as `createTalkingHead` does).
 *
 * `--ddim 5` samples with 5 DDIM steps instead of the official 50 DDPM steps (cheaper, not official).
 *
 * Without `--real-renderer` the renderer (warping + generator, a fixed per-frame cost) is replaced by a
 * cheap one, as measure-long-audio-memory.ts does, so the CPU run measures the streaming path itself.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { Device } from '@joyvasa/core';
import { createTalkingHead, type NodeTalkingHead } from '../src/node/index.js';
import { cheapRenderer } from '../test/cheap-renderer.js';
import { keepNothing } from '../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../test/synthetic-media.js';
import { ensureBenchBundle } from './bench-bundle.js';
import { machineBusySeconds } from './machine-load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    bundle: { type: 'string', default: 'fixture' },
    device: { type: 'string', default: 'cpu' },
    realtime: { type: 'boolean', default: false },
    'real-renderer': { type: 'boolean', default: false },
    lookahead: { type: 'string' },
    ddim: { type: 'string' },
    preload: { type: 'boolean', default: false },
    'render-batch': { type: 'string', default: '1' },
    heads: { type: 'string', default: '1' },
    'share-head': { type: 'boolean', default: false },
    thread: { type: 'string', default: 'worker' },
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rate = 16000;
const chunk = rate / 50;
const windowFrames = 100;
const speech = chirp(10, rate);

/**
 * One microphone: synthetic speech in 20 ms chunks, at wall-clock speed with `--realtime`. `start` is set
 * when `stream()` first pulls audio, so model loading stays out of the figures; `sentAt[i]` is when chunk
 * i was handed over (stamped before the consumer takes it, so a slow consumer cannot hide its delay).
 */
function microphone() {
  const clock = { start: 0, sentAt: [] as number[] };
  async function* chunks(): AsyncGenerator<Float32Array> {
    clock.start = performance.now();
    for (let at = 0; at < seconds * rate; at += chunk) {
      if (values.realtime) {
        // A microphone hands over a chunk once it has been recorded: at the end of its 20 ms.
        const due = ((at + chunk) / rate) * 1000 - (performance.now() - clock.start);
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      }
      const offset = at % speech.length;
      clock.sentAt.push(performance.now() - clock.start);
      yield speech.slice(offset, Math.min(offset + chunk, speech.length));
    }
  }
  /** Wall ms at which the microphone had sent the audio up to `sample`. */
  const audioInAt = (sample: number) =>
    clock.sentAt[Math.min(clock.sentAt.length - 1, Math.ceil(sample / chunk) - 1)]!;
  return { clock, chunks: chunks(), audioInAt };
}

const bundle = await ensureBenchBundle(values.bundle, console.log);
const headCount = Number(values.heads);
const backend = createOnnxNodeBackend({ thread: values.thread === 'main' ? 'main' : 'worker' });
const openHead = () =>
  createTalkingHead({
    models: bundle,
    backend,
    device: values.device as Device,
    store: keepNothing,
    ...(values['real-renderer'] ? {} : { renderer: cheapRenderer() }),
  });
const heads: NodeTalkingHead[] = [];
for (let i = 0; i < (values['share-head'] ? 1 : headCount); i++) heads.push(await openHead());
const image = texturedImage(256, 256);
const runOptions = {
  ...(values.lookahead ? { lookahead: Number(values.lookahead) } : {}),
  ...(values.ddim ? { sampler: { ddim: Number(values.ddim) } } : {}),
  renderBatch: Number(values['render-batch']),
};
// --preload: what a live app does before it opens the microphone (the figures in docs/benchmarks.md were
// taken with a 1-s offline run in its place, which loads and runs the same sessions).
if (values.preload) for (const head of heads) await head.warmUp(image, runOptions);

/** One live stream on `head`: per window, its first frame's latency after its audio; the drift per frame. */
async function liveStream(head: NodeTalkingHead, label: string) {
  const mic = microphone();
  const windows: { window: number; latencyMs: number; madeAtMs: number; rssMiB: number }[] = [];
  const drift: number[] = [];
  let frames = 0;
  for await (const event of head.stream(
    { image, audio: { stream: mic.chunks, sampleRate: rate } },
    runOptions,
  )) {
    if (event.type !== 'frame') continue;
    const now = performance.now() - mic.clock.start;
    frames++;
    if (values.realtime) drift.push(now - event.time * 1000);
    if (event.index % windowFrames !== 0) continue;
    const window = event.index / windowFrames;
    // The window's audio is in when the padded stream (1280 samples of lead-in) reaches its end.
    const needed = values.lookahead
      ? window * 64_000 + Math.ceil(Number(values.lookahead) * 25) * 640 - 1280
      : (window + 1) * 64_000 - 1280;
    const latencyMs = now - mic.audioInAt(Math.min(needed, seconds * rate));
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    windows.push({ window, latencyMs, madeAtMs: now, rssMiB });
    console.log(
      `${label}window ${window}: first frame ${latencyMs.toFixed(0)} ms after its audio, RSS ${rssMiB.toFixed(0)} MiB`,
    );
  }
  const wallSeconds = (performance.now() - mic.clock.start) / 1000;
  return { frames, wallSeconds, windows, drift };
}

/** The figures of one stream: real-time factor over windows 2…n, window latencies, drift, memory. */
function figures({ frames, wallSeconds, windows, drift }: Awaited<ReturnType<typeof liveStream>>) {
  const steady = windows.slice(2);
  const rtf =
    steady.length > 1
      ? (steady.at(-1)!.madeAtMs - steady[0]!.madeAtMs) / 1000 / ((steady.length - 1) * (windowFrames / 25))
      : Number.NaN;
  const sorted = windows.map((w) => w.latencyMs).sort((a, b) => a - b);
  return {
    frames,
    wallSeconds,
    realTimeFactor: rtf,
    firstFrameLatencyMs: windows[0]?.latencyMs,
    windowLatencyMs: { median: sorted[sorted.length >> 1], max: sorted.at(-1) },
    driftMs: drift.length ? { first: drift[0], last: drift.at(-1), max: Math.max(...drift) } : null,
    rssMiB: {
      first: windows[0]?.rssMiB,
      last: windows.at(-1)?.rssMiB,
      max: Math.max(...windows.map((w) => w.rssMiB)),
    },
  };
}

const busyBefore = machineBusySeconds();
const started = performance.now();
const streams = await Promise.all(
  Array.from({ length: headCount }, (_, i) =>
    liveStream(heads[i % heads.length]!, headCount > 1 ? `head ${i}: ` : ''),
  ),
);
const wallSeconds = (performance.now() - started) / 1000;
const perHead = streams.map(figures);
const settings = {
  device: values.device,
  bundle: values.bundle,
  seconds,
  realtime: values.realtime,
  renderer: values['real-renderer'] ? 'bundle' : 'cheap',
  lookahead: values.lookahead ?? null,
  sampler: values.ddim ? `ddim ${values.ddim}` : 'ddpm 50',
  renderBatch: Number(values['render-batch']),
  thread: values.thread,
};
const machine = {
  cores: cpus().length,
  loadAverage: loadavg(),
  busyCoresDuringRun: (machineBusySeconds() - busyBefore) / wallSeconds,
};
const totalFrames = perHead.reduce((sum, head) => sum + head.frames, 0);
const result =
  headCount === 1
    ? { ...settings, ...perHead[0]!, machine }
    : {
        ...settings,
        heads: headCount,
        sharedHead: values['share-head'],
        aggregateFramesPerSecond: totalFrames / wallSeconds,
        worstWindowLatencyMs: perHead.map((head) => head.windowLatencyMs.max),
        perHead,
        machine,
      };
console.log(JSON.stringify(result, null, 2));
if (values.out) {
  const windows = headCount === 1 ? streams[0]!.windows : streams.map((stream) => stream.windows);
  writeFileSync(values.out, JSON.stringify({ ...result, windows }, null, 2));
}
await Promise.all(heads.map((head) => head.dispose()));
