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
 *
 * `--ddim 5` samples with 5 DDIM steps instead of the official 50 DDPM steps (cheaper, not official).
 *
 * Without `--real-renderer` the renderer (warping + generator, a fixed per-frame cost) is replaced by a
 * cheap one, as measure-long-audio-memory.ts does, so the CPU run measures the streaming path itself.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Device } from '@joyvasa/core';
import { createTalkingHead } from '../src/node/index.js';
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
    out: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const rate = 16000;
const chunk = rate / 50;

/** When (ms since start) the producer had sent `samples` samples: the first time it reached them. */
const sentAt: number[] = [];
/** Set when `stream()` first pulls audio: model loading and bundle building stay out of the figures. */
let start = 0;
const speech = chirp(10, rate);
async function* microphone(): AsyncGenerator<Float32Array> {
  start = performance.now();
  for (let at = 0; at < seconds * rate; at += chunk) {
    if (values.realtime) {
      // A microphone hands over a chunk once it has been recorded: at the end of its 20 ms.
      const due = ((at + chunk) / rate) * 1000 - (performance.now() - start);
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
    const offset = at % speech.length;
    // Stamped when handed over (before the consumer takes it), so a slow consumer cannot hide its delay.
    sentAt.push(performance.now() - start);
    yield speech.slice(offset, Math.min(offset + chunk, speech.length));
  }
}
/** Wall ms at which the producer had sent the audio up to `sample`. */
const audioInAt = (sample: number) => sentAt[Math.min(sentAt.length - 1, Math.ceil(sample / chunk) - 1)]!;

const bundle = await ensureBenchBundle(values.bundle, console.log);
const head = await createTalkingHead({
  models: bundle,
  device: values.device as Device,
  store: keepNothing,
  ...(values['real-renderer'] ? {} : { renderer: cheapRenderer() }),
});
// --preload: what a live app does before it opens the microphone (the figures in docs/benchmarks.md were
// taken with a 1-s offline run in its place, which loads and runs the same sessions).
const image = texturedImage(256, 256);
const runOptions = {
  ...(values.lookahead ? { lookahead: Number(values.lookahead) } : {}),
  ...(values.ddim ? { sampler: { ddim: Number(values.ddim) } } : {}),
  renderBatch: Number(values['render-batch']),
};
if (values.preload) await head.warmUp(image, runOptions);
const busyBefore = machineBusySeconds();
const windows: { window: number; latencyMs: number; madeAtMs: number; rssMiB: number }[] = [];
const drift: number[] = [];
let frames = 0;
const windowFrames = 100;
for await (const event of head.stream(
  { image, audio: { stream: microphone(), sampleRate: rate } },
  runOptions,
)) {
  if (event.type !== 'frame') continue;
  const now = performance.now() - start;
  frames++;
  if (values.realtime) drift.push(now - event.time * 1000);
  if (event.index % windowFrames !== 0) continue;
  const window = event.index / windowFrames;
  // The window's audio is in when the padded stream (1280 samples of lead-in) reaches its end.
  const needed = values.lookahead
    ? window * 64_000 + Math.ceil(Number(values.lookahead) * 25) * 640 - 1280
    : (window + 1) * 64_000 - 1280;
  const latencyMs = now - audioInAt(Math.min(needed, seconds * rate));
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  windows.push({ window, latencyMs, madeAtMs: now, rssMiB });
  console.log(
    `window ${window}: first frame ${latencyMs.toFixed(0)} ms after its audio, RSS ${rssMiB.toFixed(0)} MiB`,
  );
}
const wallSeconds = (performance.now() - start) / 1000;
const steady = windows.slice(2);
const rtf =
  steady.length > 1
    ? (steady.at(-1)!.madeAtMs - steady[0]!.madeAtMs) / 1000 / ((steady.length - 1) * (windowFrames / 25))
    : Number.NaN;
const sorted = windows.map((w) => w.latencyMs).sort((a, b) => a - b);
const result = {
  device: values.device,
  bundle: values.bundle,
  seconds,
  realtime: values.realtime,
  renderer: values['real-renderer'] ? 'bundle' : 'cheap',
  lookahead: values.lookahead ?? null,
  sampler: values.ddim ? `ddim ${values.ddim}` : 'ddpm 50',
  renderBatch: Number(values['render-batch']),
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
  machine: {
    cores: cpus().length,
    loadAverage: loadavg(),
    busyCoresDuringRun: (machineBusySeconds() - busyBefore) / wallSeconds,
  },
};
console.log(JSON.stringify(result, null, 2));
if (values.out) writeFileSync(values.out, JSON.stringify({ ...result, windows }, null, 2));
await head.dispose();
