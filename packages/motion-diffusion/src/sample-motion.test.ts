import {
  type AudioEncoderV1,
  createTensor,
  type DenoiserV1,
  type Float32Tensor,
  InvalidInputError,
} from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleStats } from '../test/example-template.js';
import { createFormulaMotionModel, type FormulaMotionModel } from '../test/formula-motion-model.js';
import { planAudioWindows } from './audio/audio-window-plan.js';
import { motionTemplateFromStats, resolveMotionTemplate } from './motion/motion-template.js';
import { collectMotion, type MotionChunk, type SampleMotionOptions, sampleMotion } from './sample-motion.js';
import { createDdpmScheduler } from './schedulers/ddpm-scheduler.js';

let model: FormulaMotionModel;
beforeAll(async () => {
  model = await createFormulaMotionModel();
});
afterAll(() => model.dispose());

/** A real (if simple) encoder: per 640-sample frame, its mean and energy spread over 12 channels. */
const encoder: AudioEncoderV1 & { windows: Float32Array[] } = {
  specificationVersion: 'v1',
  id: 'frame-stats',
  sampleRate: 16000,
  featuresPerSecond: 25,
  featureDim: 12,
  windows: [],
  async encode(pcm) {
    encoder.windows.push(pcm);
    const frames = pcm.length / 640;
    const out = new Float32Array(frames * 12);
    for (let f = 0; f < frames; f++) {
      const frame = pcm.subarray(f * 640, (f + 1) * 640);
      const mean = frame.reduce((a, v) => a + v, 0) / 640;
      const energy = frame.reduce((a, v) => a + v * v, 0) / 640;
      for (let c = 0; c < 12; c++)
        out[f * 12 + c] = mean * Math.cos(c) + energy * Math.sin(c + 1) + 0.1 * Math.sin(c * f);
    }
    return createTensor('float32', [frames, 12], out);
  },
};

const speech = (samples: number) =>
  Float32Array.from({ length: samples }, (_, i) => 0.5 * Math.sin(i / 20) * Math.sin(i / 3000));

function options(overrides: Partial<SampleMotionOptions> = {}): SampleMotionOptions {
  return {
    fps: 25,
    pcm: speech(8000),
    audioEncoder: encoder,
    template: motionTemplateFromStats(exampleStats()),
    projection: model.projection,
    denoiser: model.denoiser,
    scheduler: createDdpmScheduler({ trainSteps: 5 }),
    startFeatures: model.startFeatures,
    seed: 3,
    ...overrides,
  };
}

async function chunks(o: SampleMotionOptions): Promise<MotionChunk[]> {
  const out: MotionChunk[] = [];
  for await (const chunk of sampleMotion(o)) out.push(chunk);
  return out;
}

describe('sampleMotion', () => {
  it('yields one chunk per window and the official frame count, the padded tail cut', async () => {
    for (const samples of [1, 8000, 10_240, 23_000]) {
      const plan = planAudioWindows(samples, { sampleRate: 16000, fps: 25, windowFrames: 8 });
      const result = await chunks(options({ pcm: speech(samples) }));
      expect(result).toHaveLength(plan.windowCount);
      expect(result.map((c) => c.startFrame)).toEqual(result.map((_, i) => i * 8));
      expect(result.reduce((total, c) => total + c.frames.length, 0)).toBe(
        Math.floor((samples + 1920) / 640),
      );
      expect(result.at(-1)!.normalised.dims).toEqual([result.at(-1)!.frames.length, 70]);
    }
  });

  it('encodes 1280 samples of silence first and each window on its own', async () => {
    encoder.windows.length = 0;
    const pcm = speech(8000);
    await chunks(options({ pcm }));
    expect(encoder.windows.map((w) => w.length)).toEqual([5120, 5120]);
    expect(encoder.windows[0]!.subarray(0, 1280).every((v) => v === 0)).toBe(true);
    expect(encoder.windows[0]![1280]).toBe(pcm[0]);
    expect(encoder.windows[1]![0]).toBe(pcm[5120 - 1280]);
  });

  it('gives the same motion from precomputed per-window features', async () => {
    encoder.windows.length = 0;
    const fromPcm = await chunks(options({ smoothing: false }));
    const encoded = await Promise.all(encoder.windows.map((w) => encoder.encode(w)));
    const audioFeatures = createTensor(
      'float32',
      [16, 12],
      Float32Array.from(encoded.flatMap((t) => [...t.data])),
    );
    const fromFeatures = await chunks(
      options({ pcm: undefined, audioEncoder: undefined, audioFeatures, frameCount: 15, smoothing: false }),
    );
    expect(fromFeatures.map((c) => [...c.normalised.data])).toEqual(
      fromPcm.map((c) => [...c.normalised.data]),
    );
  });

  it('de-normalises with the template and smooths the pose across windows (EMA 0.01)', async () => {
    const raw = await chunks(options({ smoothing: false }));
    const smoothed = (await chunks(options())).flatMap((c) => c.frames);
    const template = resolveMotionTemplate(motionTemplateFromStats(exampleStats()));
    const normalised = raw.flatMap((c) => [...c.normalised.data]);
    const frames = raw.flatMap((c) => c.frames);
    let state: number[] = [];
    frames.forEach((frame, k) => {
      const row = normalised.slice(k * 70, (k + 1) * 70);
      expect(frame.exp[5]).toBeCloseTo(row[5]! * template.stdExp[5]! + template.meanExp[5]!, 5);
      const pose = [frame.scale, ...frame.t, frame.pitch, frame.yaw, frame.roll];
      for (const [i, value] of pose.entries()) {
        const expected = row[63 + i]! * (template.poseMax[i]! - template.poseMin[i]!) + template.poseMin[i]!;
        expect(value).toBeCloseTo(expected, 4);
      }
      state = k === 0 ? pose : state.map((s, i) => 0.01 * pose[i]! + 0.99 * s);
      const out = smoothed[k]!;
      expect(
        [out.scale, ...out.t, out.pitch, out.yaw, out.roll]
          .map((v, i) => v - state[i]!)
          .every((d) => Math.abs(d) < 1e-4),
      ).toBe(true);
      expect(out.exp).toEqual(frame.exp);
    });
    expect(smoothed[10]!.yaw).not.toBeCloseTo(frames[10]!.yaw, 3);
  });

  it('collects all frames, and stops sampling when the consumer breaks', async () => {
    expect(await collectMotion(sampleMotion(options()))).toHaveLength(15);
    let calls = 0;
    const denoiser: DenoiserV1 = {
      ...model.denoiser,
      denoise: (input, o) => {
        calls++;
        return model.denoiser.denoise(input, o);
      },
    };
    for await (const chunk of sampleMotion(options({ denoiser, pcm: speech(30_000) }))) {
      expect(chunk.index).toBe(0);
      break;
    }
    expect(calls).toBe(5);
  });

  it.each<[string, () => Partial<SampleMotionOptions>]>([
    ['empty audio', () => ({ pcm: new Float32Array(0) })],
    ['NaN audio', () => ({ pcm: Float32Array.from([0, Number.NaN, 0]) })],
    ['audio without an encoder', () => ({ audioEncoder: undefined })],
    [
      'a template without std_exp',
      () => ({ template: { ...motionTemplateFromStats(exampleStats()), stdExp: undefined as never } }),
    ],
    [
      'features that are not whole windows',
      () => ({ audioFeatures: createTensor('float32', [10, 12], new Float32Array(120)) as Float32Tensor }),
    ],
    [
      'a frame count beyond the features',
      () => ({ audioFeatures: createTensor('float32', [8, 12], new Float32Array(96)), frameCount: 9 }),
    ],
    ['an encoder at another rate', () => ({ audioEncoder: { ...encoder, sampleRate: 22050 } })],
  ])('rejects %s with InvalidInputError', async (_, bad) => {
    const error = await chunks(options(bad())).catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
  });
});
