/**
 * Streams 1500 frames of 512x512 (60 s at 25 fps) with 60 s of PCM audio through createFfmpegVideoSink
 * and prints the peak resident memory of this Node process and of ffmpeg. Frames are generated one at a
 * time and never kept, so a bounded sink shows a peak that does not grow with the frame count.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/measure-sink-memory.ts [frames] [size]
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFfmpegVideoSink } from '../src/node/index.js';

const frames = Number(process.argv[2] ?? 1500);
const size = Number(process.argv[3] ?? 512);
const fps = 25;
const output = join(tmpdir(), `joyvasa-memory-${process.pid}.mp4`);

function frame(index: number) {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = (y * size + x) * 3;
      data[p] = (x + index * 4) & 0xff;
      data[p + 1] = (y + index * 2) & 0xff;
      data[p + 2] = ((x ^ y) + index) & 0xff;
    }
  }
  return { width: size, height: size, channels: 3 as const, data };
}

/** Peak resident set (VmHWM) of this process's children, in MiB, from /proc (Linux only). */
function childPeaksMiB(): number[] {
  try {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/);
    return children.filter(Boolean).map((pid) => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    });
  } catch {
    return [];
  }
}

const sampleRate = 16000;
const seconds = frames / fps;
const pcm = Float32Array.from(
  { length: seconds * sampleRate },
  (_, i) => 0.2 * Math.sin((2 * Math.PI * 220 * i) / sampleRate),
);
const sink = createFfmpegVideoSink({ output, audio: { pcm, sampleRate } });
const started = performance.now();
let ffmpegPeak = 0;
let nodeRssPeak = 0;
await sink.start({ width: size, height: size, fps, frameCount: frames });
for (let i = 0; i < frames; i++) {
  await sink.write(frame(i), i);
  if (i % 25 === 0) {
    ffmpegPeak = Math.max(ffmpegPeak, ...childPeaksMiB());
    nodeRssPeak = Math.max(nodeRssPeak, process.memoryUsage().rss / 2 ** 20);
  }
  if (i % 250 === 0) console.log(`frame ${i}: rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}
ffmpegPeak = Math.max(ffmpegPeak, ...childPeaksMiB());
const result = await sink.finish();
const elapsed = (performance.now() - started) / 1000;
console.log(result);
console.log(
  `frames ${frames} of ${size}x${size}, raw video ${((frames * size * size * 3) / 2 ** 20).toFixed(0)} MiB`,
);
console.log(`node peak RSS (maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
console.log(`node RSS sampled peak: ${nodeRssPeak.toFixed(0)} MiB`);
console.log(`ffmpeg peak RSS (VmHWM, sampled): ${ffmpegPeak.toFixed(0)} MiB`);
console.log(`wall time ${elapsed.toFixed(1)} s (${(frames / elapsed).toFixed(1)} frames/s)`);
rmSync(output, { force: true });
