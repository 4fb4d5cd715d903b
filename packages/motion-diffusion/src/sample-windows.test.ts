import {
  createTensor,
  type DenoiseInput,
  type DenoiserV1,
  type Float32Tensor,
  InvalidInputError,
  isAbortError,
} from '@joyvasa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormulaMotionModel, type FormulaMotionModel } from '../test/formula-motion-model.js';
import { createSeededNoise, type NoiseSource } from './random/noise-source.js';
import { type SampledWindow, type SampleWindowsOptions, sampleWindows } from './sample-windows.js';
import { cosineSchedule } from './schedulers/cosine-schedule.js';
import { createDdimScheduler } from './schedulers/ddim-scheduler.js';
import { createDdpmScheduler } from './schedulers/ddpm-scheduler.js';

let model: FormulaMotionModel;
beforeAll(async () => {
  model = await createFormulaMotionModel();
});
afterAll(() => model.dispose());

const T = 5;
const [W, C, D, A] = [8, 3, 70, 16];

/** Encoder features of `count` windows, [8, 12] each. */
function features(count: number, phase = 0): Float32Tensor[] {
  return Array.from({ length: count }, (_, w) =>
    createTensor(
      'float32',
      [W, 12],
      Float32Array.from({ length: W * 12 }, (_, i) => Math.sin(0.37 * i + w + phase)),
    ),
  );
}

/** A denoiser that records every input before delegating to the real one. */
function recording(inner: DenoiserV1): DenoiserV1 & { calls: DenoiseInput[] } {
  const calls: DenoiseInput[] = [];
  return {
    ...inner,
    calls,
    denoise: (input, options) => {
      calls.push(input);
      return inner.denoise(input, options);
    },
  };
}

function options(overrides: Partial<SampleWindowsOptions> = {}): SampleWindowsOptions {
  return {
    audioWindows: features(2),
    projection: model.projection,
    denoiser: model.denoiser,
    scheduler: createDdpmScheduler({ trainSteps: T }),
    startFeatures: model.startFeatures,
    seed: 11,
    ...overrides,
  };
}

async function collect(iterable: AsyncIterable<SampledWindow>): Promise<SampledWindow[]> {
  const out: SampledWindow[] = [];
  for await (const window of iterable) out.push(window);
  return out;
}

/** The official loop of spec §1.6–§1.7, written out independently in float64. */
async function referenceLoop(
  windows: Float32Tensor[],
  noise: NoiseSource,
  cfgScale: number,
): Promise<Float64Array[]> {
  const { alphas, alphaBars, sigmasInflex } = cosineSchedule(T);
  let prevMotion = Float32Array.from(model.startFeatures.startMotion.data);
  let prevAudio = Float32Array.from(model.startFeatures.startAudio.data);
  const initial = noise([1, W, D], 1);
  let draw = 2;
  const results: Float64Array[] = [];
  for (const window of windows) {
    const audio = (await model.projection.project(window)).data;
    const nullRows = Float32Array.from(
      { length: W * A },
      (_, i) => model.startFeatures.nullAudio.data[i % A]!,
    );
    let x = Float64Array.from(initial);
    for (let t = T; t >= 1; t--) {
      const z = t > 1 ? noise([1, W, D], draw++) : new Float32Array(W * D);
      const both = (a: ArrayLike<number>) => Float32Array.from([...Array.from(a), ...Array.from(a)]);
      const out = await model.denoiser.denoise({
        sample: createTensor('float32', [2, W, D], both(Float32Array.from(x))),
        audio: createTensor('float32', [2, W, A], Float32Array.from([...nullRows, ...audio])),
        previousMotion: createTensor('float32', [2, C, D], both(prevMotion)),
        previousAudio: createTensor('float32', [2, C, A], both(prevAudio)),
        timestep: createTensor('int64', [2], BigInt64Array.from([BigInt(t), BigInt(t)])),
      });
      const c0 = ((1 - alphaBars[t - 1]!) * Math.sqrt(alphas[t]!)) / (1 - alphaBars[t]!);
      const c1 = ((1 - alphas[t]!) * Math.sqrt(alphaBars[t - 1]!)) / (1 - alphaBars[t]!);
      x = x.map((value, i) => {
        const u = out.data[C * D + i]!;
        const c = out.data[(C + W) * D + C * D + i]!;
        return c0 * value + c1 * (u + cfgScale * (c - u)) + (t > 1 ? sigmasInflex[t]! * z[i]! : 0);
      });
    }
    results.push(x);
    prevMotion = Float32Array.from(x.subarray((W - C) * D));
    prevAudio = audio.slice((W - C) * A);
  }
  return results;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('sampleWindows', () => {
  it('reproduces the official loop written out, with injected noise', async () => {
    const noise = createSeededNoise(5);
    const windows = await collect(
      sampleWindows(options({ audioWindows: features(3), noise, cfgScale: 2.8 })),
    );
    const expected = await referenceLoop(features(3), noise, 2.8);
    expect(windows.map((w) => w.index)).toEqual([0, 1, 2]);
    for (let w = 0; w < 3; w++) {
      expect(windows[w]!.motion.dims).toEqual([W, D]);
      expect(maxAbsDiff(windows[w]!.motion.data, expected[w]!)).toBeLessThan(1e-5);
    }
    expect(windows[0]!.seed).toBeUndefined();
  });

  it('draws x_T once and then one draw per noisy step, in the official order', async () => {
    const draws: number[] = [];
    const noise: NoiseSource = (dims, index) => {
      draws.push(index);
      return createSeededNoise(1)(dims, index);
    };
    await collect(sampleWindows(options({ noise })));
    expect(draws).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('batches null and real audio with the same sample, step and context, and carries context over', async () => {
    const denoiser = recording(model.denoiser);
    const windows = await collect(sampleWindows(options({ denoiser })));
    expect(denoiser.calls).toHaveLength(2 * T);
    const { nullAudio, startMotion, startAudio } = model.startFeatures;
    denoiser.calls.forEach((call, k) => {
      const window = windows[Math.floor(k / T)]!;
      expect(call.audio.dims).toEqual([2, W, A]);
      for (let f = 0; f < W; f++)
        expect([...call.audio.data.subarray(f * A, (f + 1) * A)]).toEqual([...nullAudio.data]);
      expect([...call.audio.data.subarray(W * A)]).toEqual([...window.audio.data]);
      for (const tensor of [call.sample, call.previousMotion, call.previousAudio]) {
        const half = tensor.data.length / 2;
        expect([...tensor.data.subarray(half)]).toEqual([...tensor.data.subarray(0, half)]);
      }
      expect([...call.timestep.data]).toEqual([BigInt(T - (k % T)), BigInt(T - (k % T))]);
    });
    const firstOf = (k: number, t: 'previousMotion' | 'previousAudio') => [
      ...denoiser.calls[k]![t].data.subarray(0, denoiser.calls[k]![t].data.length / 2),
    ];
    expect(firstOf(0, 'previousMotion')).toEqual([...startMotion.data]);
    expect(firstOf(0, 'previousAudio')).toEqual([...startAudio.data]);
    expect(firstOf(T, 'previousMotion')).toEqual([...windows[0]!.motion.data.subarray((W - C) * D)]);
    expect(firstOf(T, 'previousAudio')).toEqual([...windows[0]!.audio.data.subarray((W - C) * A)]);
    // The same x_T starts both windows.
    expect([...denoiser.calls[T]!.sample.data]).toEqual([...denoiser.calls[0]!.sample.data]);
  });

  it('runs only the conditional entry when the scale is 1', async () => {
    const denoiser = recording(model.denoiser);
    const noise = createSeededNoise(3);
    const [single] = await collect(
      sampleWindows(options({ denoiser, noise, cfgScale: 1, audioWindows: features(1) })),
    );
    expect(denoiser.calls.every((call) => call.sample.dims[0] === 1)).toBe(true);
    const [expected] = await referenceLoop(features(1), noise, 1);
    expect(maxAbsDiff(single!.motion.data, expected!)).toBeLessThan(1e-5);
  });

  it('repeats for a seed, matches the same seed injected as noise, and differs for another seed', async () => {
    const motion = async (o: Partial<SampleWindowsOptions>) =>
      (await collect(sampleWindows(options(o)))).map((w) => [...w.motion.data]);
    const seeded = await motion({ seed: 7 });
    expect(await motion({ seed: 7 })).toEqual(seeded);
    expect(await motion({ noise: createSeededNoise(7) })).toEqual(seeded);
    expect(await motion({ seed: 8 })).not.toEqual(seeded);
    const [first] = await collect(sampleWindows(options({ seed: undefined, audioWindows: features(1) })));
    expect(Number.isSafeInteger(first!.seed)).toBe(true);
  });

  it('yields each window before it asks for the next window of audio', async () => {
    const log: string[] = [];
    async function* lazyWindows() {
      for (const [i, window] of features(3).entries()) {
        log.push(`encode ${i}`);
        yield window;
      }
    }
    for await (const window of sampleWindows(options({ audioWindows: lazyWindows() })))
      log.push(`window ${window.index}`);
    expect(log).toEqual(['encode 0', 'window 0', 'encode 1', 'window 1', 'encode 2', 'window 2']);
  });

  it('stops between denoiser calls when the signal aborts', async () => {
    const controller = new AbortController();
    const denoiser = recording(model.denoiser);
    const progress: number[] = [];
    const run = collect(
      sampleWindows(
        options({
          denoiser,
          windowCount: 2,
          signal: controller.signal,
          onProgress: (event) => {
            progress.push(event.completed);
            expect(event.total).toBe(2 * T);
            if (event.completed === 3) controller.abort();
          },
        }),
      ),
    );
    const error = await run.catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(denoiser.calls).toHaveLength(3);
    expect(progress).toEqual([1, 2, 3]);
  });

  it('runs the DDIM variant with fewer calls and no noise beyond x_T', async () => {
    const denoiser = recording(model.denoiser);
    const draws: number[] = [];
    const noise: NoiseSource = (dims, index) => {
      draws.push(index);
      return createSeededNoise(2)(dims, index);
    };
    const scheduler = createDdimScheduler({ trainSteps: T }, { steps: 2 });
    const windows = await collect(sampleWindows(options({ denoiser, noise, scheduler })));
    expect(denoiser.calls.map((call) => Number(call.timestep.data[0]))).toEqual([5, 3, 5, 3]);
    expect(draws).toEqual([1]);
    expect(windows[1]!.motion.data.every(Number.isFinite)).toBe(true);
  });

  const zeros = (dims: number[]) =>
    createTensor('float32', dims, new Float32Array(dims.reduce((a, b) => a * b)));
  it.each<[string, () => Partial<SampleWindowsOptions>]>([
    [
      'NaN features',
      () => ({ audioWindows: [createTensor('float32', [W, 12], new Float32Array(W * 12).fill(Number.NaN))] }),
    ],
    ['features of the wrong length', () => ({ audioWindows: [zeros([W - 1, 12])] })],
    ['a NaN scale', () => ({ cfgScale: Number.NaN })],
    ['a negative scale', () => ({ cfgScale: -1 })],
    ['a scheduler for another model', () => ({ scheduler: createDdpmScheduler({ trainSteps: 50 }) })],
    ['a fractional seed', () => ({ seed: 1.5 })],
    ['noise of the wrong size', () => ({ noise: () => new Float32Array(3) })],
    [
      'start features of the wrong size',
      () => ({ startFeatures: { ...model.startFeatures, startMotion: zeros([2]) } }),
    ],
  ])('rejects %s with InvalidInputError', async (_, bad) => {
    const error = await collect(sampleWindows(options(bad()))).catch((caught: unknown) => caught);
    expect(InvalidInputError.isInstance(error)).toBe(true);
  });
});
