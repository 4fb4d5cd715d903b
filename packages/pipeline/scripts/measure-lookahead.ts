/**
 * How far `lookahead` moves the motion from the exact motion (not a test): the same speech sampled exactly
 * (`pcm`) and streamed with each window sampled after `lookahead` seconds of its audio, the rest padded.
 * Per frame: the mean distance over the 21 expression keypoints (LivePortrait's normalised keypoint units;
 * the face spans about 1) and the largest head-angle difference in degrees. Also the time to sample
 * one window, which with the lookahead is the latency of its first frame.
 *
 *   pnpm exec tsx --conditions=@joyvasa/source packages/pipeline/scripts/measure-lookahead.ts \
 *     [--bundle fixture|formula|<folder>] [--seconds 12] [--lookahead 0.5,1,2,3,4]
 */
import { loadAudioEncoder } from '@joyvasa/audio-encoder';
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { MotionFrame } from '@joyvasa/core';
import {
  createDdpmScheduler,
  loadMotionGenerator,
  type MotionChunk,
  sampleMotion,
} from '@joyvasa/motion-diffusion';
import { chirp } from '../test/synthetic-media.js';
import { openBenchBundle } from './bench-bundle.js';
import { median, parseScriptArgs } from './script-args.js';

const values = parseScriptArgs({ bundle: 'fixture', seconds: '12', lookahead: '0.5,1,2,3,4' });
const { bundle } = await openBenchBundle(values.bundle, (line) => console.log(line));
const backend = createOnnxNodeBackend();
const [encoder, generator] = await Promise.all([
  loadAudioEncoder(bundle, backend, { device: 'cpu' }),
  loadMotionGenerator(bundle, backend, { device: 'cpu' }),
]);
const pcm = chirp(Number(values.seconds), encoder.sampleRate);
const common = {
  fps: generator.config.fps,
  audioEncoder: encoder,
  projection: generator.projection,
  denoiser: generator.denoiser,
  scheduler: createDdpmScheduler({ trainSteps: generator.config.diffusionSteps }),
  startFeatures: generator.startFeatures,
  template: generator.template,
  seed: 0,
};

async function run(options: Partial<Parameters<typeof sampleMotion>[0]>) {
  const frames: MotionFrame[] = [];
  const windowMs: number[] = [];
  let last = performance.now();
  for await (const chunk of sampleMotion({ ...common, ...options }) as AsyncIterable<MotionChunk>) {
    windowMs.push(performance.now() - last);
    frames.push(...chunk.frames);
    last = performance.now();
  }
  return { frames, windowMs };
}

async function* chunks(samples: Float32Array) {
  for (let at = 0; at < samples.length; at += 320) yield samples.slice(at, at + 320);
}

const exact = await run({ pcm });
console.log(`bundle ${values.bundle}, ${values.seconds} s, ${exact.frames.length} frames`);
console.log(`exact: ${median(exact.windowMs).toFixed(0)} ms to sample a window (median)`);
for (const lookahead of values.lookahead.split(',').map(Number)) {
  const lookaheadFrames = Math.min(100, Math.ceil(lookahead * 25));
  const approx = await run({ pcmStream: chunks(pcm), lookaheadFrames });
  const keypointError: number[] = [];
  const angleError: number[] = [];
  for (let f = 0; f < exact.frames.length; f++) {
    const a = exact.frames[f]!;
    const b = approx.frames[f]!;
    let sum = 0;
    for (let k = 0; k < 21; k++) {
      sum += Math.hypot(
        a.exp[3 * k]! - b.exp[3 * k]!,
        a.exp[3 * k + 1]! - b.exp[3 * k + 1]!,
        a.exp[3 * k + 2]! - b.exp[3 * k + 2]!,
      );
    }
    keypointError.push(sum / 21);
    angleError.push(
      Math.max(Math.abs(a.pitch - b.pitch), Math.abs(a.yaw - b.yaw), Math.abs(a.roll - b.roll)),
    );
  }
  const mean = keypointError.reduce((x, y) => x + y, 0) / keypointError.length;
  console.log(
    `lookahead ${lookahead} s (${lookaheadFrames} frames): keypoint error per frame mean ${mean.toExponential(2)}, ` +
      `max ${Math.max(...keypointError).toExponential(2)}; angles max ${Math.max(...angleError).toFixed(3)} deg; ` +
      `first frame ${lookahead} s + ${median(approx.windowMs).toFixed(0)} ms after its window starts`,
  );
}
await Promise.all([encoder.dispose?.(), generator.dispose()]);
