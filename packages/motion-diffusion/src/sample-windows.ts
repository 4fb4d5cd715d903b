import {
  createTensor,
  type DenoiserV1,
  type Float32Tensor,
  type ProgressEvent,
  type SchedulerV1,
  throwIfAborted,
} from '@joyvasa/core';
import type { AudioProjection } from './audio/audio-projection.js';
import { createClassifierFreeGuidance, defaultCfgScale } from './denoiser/classifier-free-guidance.js';
import { type NoiseSource, resolveNoise } from './random/noise-source.js';
import {
  checkSchedule,
  checkStartFeatures,
  type MotionStartFeatures,
  projectWindow,
} from './sampling-setup.js';

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
  /** The window's projected (conditional) audio features, [windowFrames, modelDim]. */
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
  const { denoiser, scheduler, signal } = options;
  const config = denoiser.config;
  const { windowFrames, contextFrames, motionDim, modelDim } = config;
  checkSchedule(config, scheduler);
  const start = checkStartFeatures(options.startFeatures, config);
  const guidance = createClassifierFreeGuidance(config, start.nullAudio, options.cfgScale ?? defaultCfgScale);
  const { seed, noise } = resolveNoise(options);
  const totalCalls = (options.windowCount ?? 0) * scheduler.timesteps.length;
  const sampleDims = [1, windowFrames, motionDim];
  let previousMotion = start.startMotion;
  let previousAudio = start.startAudio;
  let initial: Float32Array | undefined;
  let draw = 1;
  let completed = 0;
  let index = 0;
  for await (const features of options.audioWindows) {
    throwIfAborted(signal);
    const audio = await projectWindow(options.projection, features, config, index, signal);
    initial ??= noise(sampleDims, draw++);
    let sample = initial;
    for (const timestep of scheduler.timesteps) {
      const stepNoise = scheduler.needsNoise(timestep) ? noise(sampleDims, draw++) : undefined;
      throwIfAborted(signal);
      // Unconditional and conditional in one batch, one denoiser call, then split and combined.
      const input = guidance.batch({ sample, timestep, audio: audio.data, previousMotion, previousAudio });
      const output = await denoiser.denoise(input, signal ? { signal } : {});
      const predictedOriginal = guidance.combine(output);
      sample = scheduler.step({
        predictedOriginal,
        sample,
        timestep,
        ...(stepNoise ? { noise: stepNoise } : {}),
      });
      completed++;
      options.onProgress?.({ type: 'progress', stage: 'motion', completed, total: totalCalls });
    }
    // Copied before yielding, so a consumer that edits the window cannot change the next one's context.
    previousMotion = sample.slice((windowFrames - contextFrames) * motionDim);
    previousAudio = audio.data.slice((windowFrames - contextFrames) * modelDim);
    yield {
      index,
      motion: createTensor('float32', [windowFrames, motionDim], sample),
      audio,
      ...(seed !== undefined ? { seed } : {}),
    };
    index++;
  }
}
