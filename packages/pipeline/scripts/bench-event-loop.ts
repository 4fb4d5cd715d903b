/**
 * Event-loop delay benchmark (not a test): how long an app's own work (an HTTP handler, a timer) waits
 * while a talking head renders in the same process. `perf_hooks.monitorEventLoopDelay` (10 ms resolution)
 * records the delay during one CPU `generate()` of the fixture bundle into memory; a 50 ms timer also
 * counts how long the loop was stalled beyond 100 ms, as a server's health probe would see it.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-event-loop.ts \
 *     [--thread worker|main] [--seconds 4] [--image-size 512] [--repeat 1] [--out result.json]
 *
 * `--thread main` runs the sessions on the caller's thread (onnxruntime-node's own way: each inference
 * inside a `setImmediate`); `--thread worker` (the default of `createTalkingHead` in Node) runs them in
 * worker threads. The first run of a head (model loading) is excluded: a warm-up `generate()` comes first.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTalkingHead } from '../src/node/index.js';
import { keepNothing } from '../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../test/synthetic-media.js';
import { ensureBenchBundle } from './bench-bundle.js';
import { machineBusySeconds } from './machine-load.js';

const { values } = parseArgs({
  options: {
    thread: { type: 'string', default: 'worker' },
    seconds: { type: 'string', default: '4' },
    'image-size': { type: 'string', default: '512' },
    repeat: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const thread = values.thread === 'main' ? 'main' : 'worker';
const size = Number(values['image-size']);
const bundle = await ensureBenchBundle('fixture', () => undefined);
const head = await createTalkingHead({
  models: bundle,
  device: 'cpu',
  store: keepNothing,
  backend: createOnnxNodeBackend({ thread }),
});
const input = {
  image: texturedImage(size, size),
  audio: { pcm: chirp(Number(values.seconds)), sampleRate: 16000 },
};
await head.generate(input);

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const runs = [];
for (let run = 0; run < Number(values.repeat); run++) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  // A probe every 50 ms: the share of the render during which it came more than 100 ms late.
  let last = performance.now();
  let stalledMs = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    if (now - last > 150) stalledMs += now - last - 50;
    last = now;
  }, 50);
  const busyBefore = machineBusySeconds();
  const start = performance.now();
  histogram.enable();
  const { frameCount } = await head.generate(input);
  histogram.disable();
  const wallMs = performance.now() - start;
  clearInterval(probe);
  runs.push({
    frames: frameCount,
    wallSeconds: wallMs / 1000,
    delayMs: {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      mean: ms(histogram.mean),
    },
    stalledShare: stalledMs / wallMs,
    busyCores: (machineBusySeconds() - busyBefore) / (wallMs / 1000),
  });
  console.log(`${thread}: ${JSON.stringify(runs.at(-1))}`);
}
const result = {
  thread,
  seconds: Number(values.seconds),
  imageSize: size,
  runs,
  machine: { cores: cpus().length, loadAverage: loadavg() },
  node: process.version,
};
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
await head.dispose();
