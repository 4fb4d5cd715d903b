import type { AudioEncoderV1, FaceLocatorV1, MotionFrame, RgbImage } from '@joyvasa/core';
import { throwIfAborted } from '@joyvasa/core';
import { type LivePortraitModels, type PreparedSource, prepareSource } from '@joyvasa/liveportrait';
import {
  createDdimScheduler,
  createDdpmScheduler,
  type MotionGenerator,
  sampleMotion,
} from '@joyvasa/motion-diffusion';
import { fixedFrameBudget, liveFrameBudget } from './frame-budget.js';
import type { LiveAudio } from './live-audio.js';
import { renderMotion } from './render-motion.js';
import type { TalkingHeadEvent } from './talking-head-events.js';
import type { ResolvedAnimateOptions } from './talking-head-options.js';

/** The audio of one run: the whole clip, decoded at the encoder's rate, or a live stream read at it. */
export type RunAudio =
  | { readonly pcm: Float32Array; readonly durationSeconds: number }
  | { readonly live: LiveAudio };

/** Everything one run animates with: the decoded image, the audio and the loaded models. */
export interface RunInputs {
  readonly image: RgbImage;
  readonly audio: RunAudio;
  readonly liveportrait: LivePortraitModels;
  /** An encoder the motion model accepts (`assertEncoderMatches` passed): its rate is the audio's. */
  readonly encoder: AudioEncoderV1;
  /** The motion model: its `config.fps` is the video's frame rate. */
  readonly generator: MotionGenerator;
  readonly faceLocator?: FaceLocatorV1;
}

function createScheduler(sampler: ResolvedAnimateOptions['sampler'], generator: MotionGenerator) {
  const trainSteps = generator.config.diffusionSteps;
  return sampler === 'ddpm'
    ? createDdpmScheduler({ trainSteps })
    : createDdimScheduler({ trainSteps }, { steps: sampler.ddim });
}

/** The sampler's audio: the whole PCM, or the live stream (with its lookahead in frames, when set). */
function motionAudio(audio: RunAudio, lookahead: number | undefined, generator: MotionGenerator) {
  if (!('live' in audio)) return { pcm: audio.pcm };
  if (lookahead === undefined) return { pcmStream: audio.live.pcm };
  const { windowFrames } = generator.denoiser.config;
  const frames = Math.ceil(lookahead * generator.config.fps);
  return { pcmStream: audio.live.pcm, lookaheadFrames: Math.min(windowFrames, Math.max(1, frames)) };
}

function sourceReady(source: PreparedSource): TalkingHeadEvent[] {
  const ready: TalkingHeadEvent = {
    type: 'source-ready',
    width: source.image.width,
    height: source.image.height,
    cropMethod: source.cropMethod,
    facesFound: source.facesFound,
    ...source.located,
  };
  if (source.facesFound <= 1) return [ready];
  const message = `${source.facesFound} faces found; animating the largest`;
  return [ready, { type: 'notice', code: 'several-faces', message }];
}

/**
 * One animation, once its inputs are decoded and its models loaded: prepares the source, samples motion
 * at the motion model's frame rate from audio at the encoder's rate, renders the frames the audio reaches
 * and ends with `stream-end`. Frees the prepared source however it ends.
 */
export async function* runTalkingHead(
  inputs: RunInputs,
  run: ResolvedAnimateOptions,
): AsyncGenerator<TalkingHeadEvent, void> {
  const { audio, generator, encoder } = inputs;
  const signal = run.signal;
  const live = 'live' in audio ? audio.live : undefined;
  const seconds = 'live' in audio ? 0 : audio.durationSeconds;
  throwIfAborted(signal);
  const source = await prepareSource(inputs.image, inputs.liveportrait, {
    ...run,
    faceLocator: inputs.faceLocator,
  });
  try {
    yield* sourceReady(source);
    const fps = generator.config.fps;
    const budget = live ? liveFrameBudget(live, fps) : fixedFrameBudget(seconds, fps);
    // Sampling runs ahead of rendering: a stream that ends early stops it mid-window.
    const stopSampling = new AbortController();
    const samplingSignal = signal ? AbortSignal.any([signal, stopSampling.signal]) : stopSampling.signal;
    const stop = () => {
      stopSampling.abort();
      live?.close();
    };
    const motionStream = sampleMotion({
      ...motionAudio(audio, run.lookahead, generator),
      audioEncoder: encoder,
      projection: generator.projection,
      denoiser: generator.denoiser,
      scheduler: createScheduler(run.sampler, generator),
      startFeatures: generator.startFeatures,
      template: generator.template,
      cfgScale: run.cfgScale,
      seed: run.seed,
      noise: run.noise,
      smoothing: run.smoothing,
      fps,
      padMode: generator.config.padMode,
      signal: samplingSignal,
    });
    // One liveportrait call per render batch: driver, stitching, renderer and paste-back of N frames.
    const render = (frames: readonly MotionFrame[]) => source.renderFrames(frames, signal ? { signal } : {});
    const frameCount = yield* renderMotion(motionStream, budget, fps, run.renderBatch, render, stop);
    yield { type: 'stream-end', frameCount, fps, durationSeconds: budget.durationSeconds() };
  } finally {
    await source.dispose();
  }
}
