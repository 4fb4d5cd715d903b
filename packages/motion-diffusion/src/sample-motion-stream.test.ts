import { type AudioEncoderV1, createTensor, InvalidInputError } from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleStats } from '../test/example-template.js';
import { createFormulaMotionModel, type FormulaMotionModel } from '../test/formula-motion-model.js';
import { createAudioWindowAssembler } from './audio/audio-window-assembler.js';
import { planAudioWindows, windowSamples } from './audio/audio-window-plan.js';
import { motionTemplateFromStats } from './motion/motion-template.js';
import { type MotionChunk, type SampleMotionOptions, sampleMotion } from './sample-motion.js';
import { createDdpmScheduler } from './schedulers/ddpm-scheduler.js';

let model: FormulaMotionModel;
beforeAll(async () => {
  model = await createFormulaMotionModel();
});
afterAll(() => model.dispose());

/** Per 640-sample frame, its mean and energy spread over 6 channels: sensitive to every sample. */
const encoder: AudioEncoderV1 = {
  specificationVersion: 'v1',
  id: 'frame-stats',
  sampleRate: 16000,
  featuresPerSecond: 25,
  featureDim: 12,
  async encode(pcm) {
    const frames = pcm.length / 640;
    const out = new Float32Array(frames * 12);
    for (let f = 0; f < frames; f++) {
      const frame = pcm.subarray(f * 640, (f + 1) * 640);
      const mean = frame.reduce((a, v) => a + v, 0) / 640;
      const energy = frame.reduce((a, v) => a + v * v, 0) / 640;
      for (let c = 0; c < 12; c++) out[f * 12 + c] = 3 * mean * Math.cos(c) + 4 * energy * Math.sin(c + 1);
    }
    return createTensor('float32', [frames, 12], out);
  },
};

const speech = (samples: number) =>
  Float32Array.from({ length: samples }, (_, i) => 0.5 * Math.sin(i / 20) * Math.sin(i / 700 + 1));

/** `pcm` as an async stream cut into pseudo-random chunk sizes from 0 to `max` samples. */
async function* randomChunks(pcm: Float32Array, seed: number, max: number): AsyncGenerator<Float32Array> {
  let state = seed;
  for (let at = 0; at < pcm.length; ) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const size = Math.min(state % (max + 1), pcm.length - at);
    yield pcm.slice(at, at + size);
    at += size;
  }
}

function options(overrides: Partial<SampleMotionOptions>): SampleMotionOptions {
  return {
    fps: 25,
    audioEncoder: encoder,
    template: motionTemplateFromStats(exampleStats()),
    projection: model.projection,
    denoiser: model.denoiser,
    scheduler: createDdpmScheduler({ trainSteps: 5 }),
    startFeatures: model.startFeatures,
    seed: 11,
    ...overrides,
  };
}

async function chunksOf(o: SampleMotionOptions): Promise<MotionChunk[]> {
  const out: MotionChunk[] = [];
  for await (const chunk of sampleMotion(o)) out.push(chunk);
  return out;
}

const numbers = (chunks: readonly MotionChunk[]) => chunks.flatMap((c) => [...c.normalised.data]);

// The formula model's windows are 8 frames: 5120 samples, of which the first holds 1280 of silence.
const lengths = {
  'shorter than a window': 1000,
  'one sample': 1,
  'exactly one window': 5120 - 1920,
  'one window, with the stream ending inside the trailing silence': 5120 - 1280,
  'many windows, a partial last one': 23_000,
  'many windows, ending on a window boundary': 5 * 5120 - 1280,
  'a length where the official clip_len rounds down': 126_720 / 10 - 1920 + 640,
};

describe('sampleMotion from a PCM stream', () => {
  for (const [name, samples] of Object.entries(lengths)) {
    it(`equals the offline motion for ${name} (${samples} samples), however the stream is cut`, async () => {
      const pcm = speech(samples);
      const offline = await chunksOf(options({ pcm }));
      for (const [seed, max] of [
        [1, 100],
        [2, 4000],
        [3, 30_000],
      ] as const) {
        const streamed = await chunksOf(options({ pcmStream: randomChunks(pcm, seed, max) }));
        expect(streamed.map((c) => [c.index, c.startFrame, c.frames.length])).toEqual(
          offline.map((c) => [c.index, c.startFrame, c.frames.length]),
        );
        expect(numbers(streamed)).toEqual(numbers(offline));
        expect(streamed.flatMap((c) => c.frames)).toEqual(offline.flatMap((c) => c.frames));
        expect(streamed.at(-1)!.windowCount).toBe(offline.length);
      }
    });
  }

  it('samples each window as soon as its audio is in, before the stream ends', async () => {
    const pcm = speech(3 * 5120);
    let sent = 0;
    async function* tracked() {
      for await (const chunk of randomChunks(pcm, 5, 700)) {
        sent += chunk.length;
        yield chunk;
      }
    }
    const seenAt: number[] = [];
    for await (const _chunk of sampleMotion(options({ pcmStream: tracked() }))) seenAt.push(sent);
    // Window i needs (i + 1)·5120 − 1280 samples; it comes before one more chunk than that is read.
    seenAt.slice(0, 3).forEach((at, i) => {
      expect(at).toBeGreaterThanOrEqual((i + 1) * 5120 - 1280);
      expect(at).toBeLessThan((i + 1) * 5120 - 1280 + 700);
    });
  });

  it('with lookaheadFrames samples windows early, marked approximate; all frames is the exact path', async () => {
    const pcm = speech(23_000);
    const exact = await chunksOf(options({ pcm }));
    const full = await chunksOf(options({ pcmStream: randomChunks(pcm, 4, 999), lookaheadFrames: 8 }));
    expect(numbers(full)).toEqual(numbers(exact));
    const early = await chunksOf(options({ pcmStream: randomChunks(pcm, 4, 999), lookaheadFrames: 3 }));
    // A window sampled before the end is known keeps all its frames: the last may run past the clip.
    expect(early.map((c) => c.startFrame)).toEqual(exact.map((c) => c.startFrame));
    expect(early.at(-1)!.frames.length).toBeGreaterThanOrEqual(exact.at(-1)!.frames.length);
    expect(early.slice(0, -1).every((c) => c.approximate)).toBe(true);
    expect(numbers(early)).not.toEqual(numbers(exact));
    await expect(
      chunksOf(options({ pcmStream: randomChunks(pcm, 4, 999), lookaheadFrames: 9 })),
    ).rejects.toThrow(InvalidInputError);
  });
});

describe('createAudioWindowAssembler', () => {
  it('cuts the windows windowSamples cuts from the whole audio, holding only what the next window reads', () => {
    const pcm = speech(40_000);
    const plan = planAudioWindows(pcm.length, { sampleRate: 16000, fps: 25, windowFrames: 8 });
    const assembler = createAudioWindowAssembler({ sampleRate: 16000, fps: 25, windowFrames: 8 });
    const windows = [];
    for (let at = 0; at < pcm.length; at += 333) windows.push(...assembler.push(pcm.slice(at, at + 333)));
    expect(windows.length).toBe(plan.windowCount - 1);
    windows.push(...assembler.end());
    expect(windows.map((w) => w.index)).toEqual([...Array(plan.windowCount).keys()]);
    for (const window of windows) expect(window.samples).toEqual(windowSamples(pcm, plan, window.index));
    expect(windows.every((w) => !w.approximate)).toBe(true);
    expect(() => assembler.push(new Float32Array(1))).toThrow(/after the end/);
  });
});
