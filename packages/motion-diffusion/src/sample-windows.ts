import {
  createTensor,
  type DenoiseInput,
  type DenoiserV1,
  type Float32Tensor,
  type ProgressEvent,
  type SchedulerV1,
  throwIfAborted,
} from '@joyvasa/core';
import type { AudioProjection } from './audio/audio-projection.js';
import { applyGuidance, defaultCfgScale } from './denoiser/guidance.js';
import type { NoiseSource } from './random/noise-source.js';
import { type MotionStartFeatures, prepareSampling, projectWindow } from './sampling-setup.js';

/** Options of {@link sampleWindows}. */
export interface SampleWindowsOptions {
  /**
   * Encoder features of each window, [windowFrames, featureDim] at the motion frame rate (25 fps), each
   * window encoded on its own; consumed one window at a time, so an async source can encode lazily.
   */
  readonly audioWindows: Iterable<Float32Tensor> | AsyncIterable<Float32Tensor>;
  /** Windows expected, for progress events only; 0 or absent when unknown. */
  readonly windowCount?: number;
  /** Projects encoder features to the denoiser's audio width. */
  readonly projection: AudioProjection;
  readonly denoiser: DenoiserV1;
  /** The update rule: `createDdpmScheduler` (official) or `createDdimScheduler` (faster, not official). */
  readonly scheduler: SchedulerV1;
  /** The checkpoint's learned start and null features. */
  readonly startFeatures: MotionStartFeatures;
  /**
   * Guidance scale s ≥ 0 in `x̂0 = u + s·(c − u)`. Default {@link defaultCfgScale} (4.0, the official app's). With s = 1 only the
   * conditional entry is run (batch 1), which gives the same result at half the cost.
   */
  readonly cfgScale?: number;
  /** Seed of the portable PRNG (0 … 2^53 − 1). Default: a random seed, reported on each window. */
  readonly seed?: number;
  /** Injected noise instead of the PRNG (takes precedence over `seed`). */
  readonly noise?: NoiseSource;
  /** Stops sampling between denoiser calls. */
  readonly signal?: AbortSignal;
  /** Called after each denoiser call; `completed`/`total` count denoiser calls of the whole run. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

/** One sampled window, in the denoiser's normalised motion space. */
export interface SampledWindow {
  /** 0-based window index. */
  readonly index: number;
  /** The sampled clean motion x0, [windowFrames, motionDim] (all frames, padding included). */
  readonly motion: Float32Tensor;
  /** The window's projected (conditional) audio features, [windowFrames, audioDim]. */
  readonly audio: Float32Tensor;
  /** The PRNG seed used, unless noise was injected. */
  readonly seed?: number;
}

/**
 * The official sliding-window sampler (spec §1.6–§1.7), one window at a time. Window 0 starts from the
 * learned start features, later windows from the last `contextFrames` generated frames and projected
 * conditional audio features of the window before. x_T is drawn once (draw 1) and reused for every
 * window; each step that adds noise takes the next draw. Under guidance each denoiser call is a batch of
 * 2: entry 0 with the null audio feature, entry 1 with the real one, same x, step and context.
 */
export async function* sampleWindows(options: SampleWindowsOptions): AsyncGenerator<SampledWindow> {
  const run = prepareSampling(options);
  const { denoiser, scheduler, signal } = options;
  const { windowFrames, contextFrames, motionDim, audioDim } = denoiser.config;
  const sampleDims = [1, windowFrames, motionDim];
  let previousMotion = run.startMotion;
  let previousAudio = run.startAudio;
  let initial: Float32Array | undefined;
  let draw = 1;
  let completed = 0;
  let index = 0;
  for await (const features of options.audioWindows) {
    throwIfAborted(signal);
    const audio = await projectWindow(options.projection, features, denoiser.config, index, signal);
    initial ??= run.noise(sampleDims, draw++);
    const conditioning = run.conditioning(audio.data, previousMotion, previousAudio);
    let sample = initial;
    for (const timestep of scheduler.timesteps) {
      const noise = scheduler.needsNoise(timestep) ? run.noise(sampleDims, draw++) : undefined;
      throwIfAborted(signal);
      const input: DenoiseInput = { ...conditioning, ...run.stepInputs(sample, timestep) };
      const output = await denoiser.denoise(input, signal ? { signal } : {});
      const predictedOriginal = applyGuidance(output, run.cfgScale, windowFrames);
      sample = scheduler.step({ predictedOriginal, sample, timestep, ...(noise ? { noise } : {}) });
      completed++;
      options.onProgress?.({ type: 'progress', stage: 'motion', completed, total: run.totalCalls });
    }
    // Copied before yielding, so a consumer that edits the window cannot change the next one's context.
    previousMotion = sample.slice((windowFrames - contextFrames) * motionDim);
    previousAudio = audio.data.slice((windowFrames - contextFrames) * audioDim);
    yield {
      index,
      motion: createTensor('float32', [windowFrames, motionDim], sample),
      audio,
      ...(run.seed !== undefined ? { seed: run.seed } : {}),
    };
    index++;
  }
}
