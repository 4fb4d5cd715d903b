import { ensureSyntheticBundle } from '@joyvasa/model-builder/synthetic/node';
import { collectTalkingHead, createTalkingHead, type FrameSinkV1 } from '../src/node/index.js';
import { cheapRenderer } from '../test/cheap-renderer.js';
import { keepNothing } from '../test/fixture-talking-head.js';
import { chirpWav, texturedImage } from '../test/synthetic-media.js';

const minutes = Number(process.argv[2] ?? 10);
const realRenderer = process.argv.includes('--real-renderer');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

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
  ...(realRenderer ? {} : { renderer: cheapRenderer() }),
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
