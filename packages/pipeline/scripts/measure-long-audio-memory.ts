/**
 * Streams N minutes (default 10, the decoder's default limit) of synthetic speech through
 * `createTalkingHead(...).stream()` with the fixture bundle and a sink that discards frames, and prints
 * the peak resident memory. Every window is sampled and every frame driven, composed and pasted back;
 * only the renderer (warping + generator, the per-frame cost that does not depend on the audio's length)
 * is replaced by a cheap one, so 15,000 frames take minutes instead of an hour. A bounded pipeline shows
 * a peak that does not grow with the audio's length: compare 1 and 10 minutes.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/measure-long-audio-memory.ts [minutes] [--real-renderer]
 */
import { createTensor, type Float32Tensor, type RendererV1 } from '@joyvasa/core';
import { ensureSyntheticBundle } from '@joyvasa/model-builder/node';
import { collectTalkingHead, createTalkingHead, type FrameSinkV1 } from '../src/node/index.js';
import { keepNothing } from '../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../test/synthetic-media.js';

const minutes = Number(process.argv[2] ?? 10);
const realRenderer = process.argv.includes('--real-renderer');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** A renderer as costly as allocating its output: a grey level that follows the driving keypoints. */
const cheapRenderer: RendererV1 = {
  specificationVersion: 'v1',
  outputSize: { width: 512, height: 512 },
  async render(input): Promise<Float32Tensor> {
    const level = 0.5 + 0.4 * Math.tanh(input.drivingKeypoints.data.reduce((a, b) => a + b, 0));
    return createTensor('float32', [1, 3, 512, 512], new Float32Array(3 * 512 * 512).fill(level));
  },
};

/** Counts frames and keeps nothing. */
function discardingSink(): FrameSinkV1 & { frames: number } {
  const sink = {
    specificationVersion: 'v1' as const,
    frames: 0,
    start: async () => {},
    write: async () => {
      sink.frames++;
    },
    finish: async () => ({ frameCount: sink.frames, durationSeconds: sink.frames / 25, files: [] }),
    abort: async () => {},
  };
  return sink;
}

const { directory } = await ensureSyntheticBundle('fixture');
const head = await createTalkingHead({
  models: directory,
  device: 'cpu',
  store: keepNothing,
  ...(realRenderer ? {} : { renderer: cheapRenderer }),
});
const audio = chirpWav(minutes * 60);
const image = texturedImage(640, 480);
console.log(
  `${minutes} min of audio (${mib(audio.length)} MiB of WAV), ${realRenderer ? 'real' : 'cheap'} renderer`,
);
console.log(`rss before the run: ${mib(process.memoryUsage().rss)} MiB`);

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
};
const timer = setInterval(sample, 250);
const started = performance.now();
let windows = 0;
const sink = discardingSink();
const result = await collectTalkingHead(head.stream({ image, audio }), {
  sink,
  onEvent(event) {
    if (event.type === 'progress' && event.stage === 'sample-motion') {
      windows = event.completed;
      if (event.completed % 25 === 0 || event.completed === event.total) {
        sample();
        console.log(`window ${event.completed}/${event.total}: rss ${mib(process.memoryUsage().rss)} MiB`);
      }
    }
  },
});
clearInterval(timer);
sample();
const seconds = (performance.now() - started) / 1000;
await head.dispose();
console.log(
  `frames ${result.frameCount} (sink saw ${sink.frames}), windows ${windows}, ${result.durationSeconds} s of audio`,
);
console.log(
  `wall ${seconds.toFixed(1)} s, ${((seconds / result.frameCount) * 1000).toFixed(1)} ms per frame`,
);
console.log(`peak RSS (maxRSS, whole process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`peak RSS sampled during the run: ${mib(peakRss)} MiB; peak JS heap used: ${mib(peakHeap)} MiB`);
