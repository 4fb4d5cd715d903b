/**
 * Event-loop delay benchmark (not a test): how long an app's own work (an HTTP handler, a timer) waits
 * while a talking head renders in the same process. `perf_hooks.monitorEventLoopDelay` (10 ms resolution)
 * records the delay during one CPU `generate()` of the fixture bundle into memory; a 50 ms timer also
 * counts how long the loop was stalled beyond 100 ms, as a server's health probe would see it, and
 * `performance.eventLoopUtilization` the share of the render the calling thread spent running.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/bench-event-loop.ts \
 *     [--threads main,worker] [--seconds 4] [--image-size 512] [--repeat 2] [--out result.json]
 *
 * `main` runs the sessions on the caller's thread (onnxruntime-node's own way: each inference inside a
 * `setImmediate`); `worker` (the default of `createTalkingHead` in Node) runs them in worker threads. One
 * head per mode, both loaded first and warmed by one `generate()` each (model loading stays out); then the
 * modes take turns run by run, so on a shared machine both see the same load.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTalkingHead } from '../src/node/index.js';
import { keepNothing } from '../test/fixture-talking-head.js';
import { chirp, texturedImage } from '../test/synthetic-media.js';
import { ensureBenchBundle } from './bench-bundle.js';
import { machineBusySeconds } from './machine-load.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: 'main,worker' },
    seconds: { type: 'string', default: '4' },
    'image-size': { type: 'string', default: '512' },
    repeat: { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});
const threads = values.threads.split(',').map((thread) => (thread === 'main' ? 'main' : 'worker'));
const size = Number(values['image-size']);
const bundle = await ensureBenchBundle('fixture', () => undefined);
const input = {
  image: texturedImage(size, size),
  audio: { pcm: chirp(Number(values.seconds)), sampleRate: 16000 },
};
const heads = new Map<string, Awaited<ReturnType<typeof createTalkingHead>>>();
for (const thread of threads) {
  const head = await createTalkingHead({
    models: bundle,
    device: 'cpu',
    store: keepNothing,
    backend: createOnnxNodeBackend({ thread }),
  });
  await head.generate(input);
  heads.set(thread, head);
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const runs = [];
for (let run = 0; run < Number(values.repeat); run++) {
  for (const [thread, head] of heads) {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    // A probe every 50 ms: the share of the render during which it came more than 100 ms late.
    let last = performance.now();
    let stalledMs = 0;
    const probe = setInterval(() => {
      const now = performance.now();
      if (now - last > 150) stalledMs += now - last - 50;
      last = now;
    }, 50);
    const loadBefore = loadavg()[0];
    const busyBefore = machineBusySeconds();
    const start = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    histogram.enable();
    const { frameCount } = await head.generate(input);
    histogram.disable();
    const wallMs = performance.now() - start;
    const loop = performance.eventLoopUtilization(loopBefore);
    clearInterval(probe);
    runs.push({
      thread,
      frames: frameCount,
      wallSeconds: wallMs / 1000,
      delayMs: {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
      },
      stalledShare: stalledMs / wallMs,
      // The calling thread's share of the render spent running (not waiting in the event loop).
      loopUtilization: loop.utilization,
      busyCores: (machineBusySeconds() - busyBefore) / (wallMs / 1000),
      loadAverageBefore: loadBefore,
    });
    console.log(JSON.stringify(runs.at(-1)));
  }
}
const result = {
  seconds: Number(values.seconds),
  imageSize: size,
  runs,
  machine: { cores: cpus().length, loadAverage: loadavg() },
  node: process.version,
};
if (values.out) writeFileSync(values.out, JSON.stringify(result, null, 2));
await Promise.all([...heads.values()].map((head) => head.dispose()));
