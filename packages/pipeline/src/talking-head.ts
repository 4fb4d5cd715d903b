import { type AudioStreamInput, isAudioStreamInput, loadAudioEncoder } from '@joyvasa/audio-encoder';
import {
  type AudioEncoderV1,
  type BackendV1,
  DisposedError,
  type EventListener,
  type ModelBundle,
  type ModelManifest,
  type MotionFrame,
  motionGeneratorData,
  type PositionalEncodingMode,
  type RgbImage,
  throwIfAborted,
} from '@joyvasa/core';
import {
  type LivePortraitModels,
  loadLivePortrait,
  type PreparedSource,
  prepareSource,
  type RendererChoiceOptions,
} from '@joyvasa/liveportrait';
import {
  assertEncoderMatches,
  createDdimScheduler,
  createDdpmScheduler,
  loadMotionGenerator,
  type MotionGenerator,
  sampleMotion,
} from '@joyvasa/motion-diffusion';
import { checkAnimateInput } from './check-talking-head-options.js';
import { fixedFrameBudget, liveFrameBudget } from './frame-budget.js';
import { type LiveAudio, liveSampleRate, openLiveAudio } from './live-audio.js';
import { renderMotion } from './render-motion.js';
import type { TalkingHeadEvent } from './talking-head-events.js';
import {
  type AnimateOptions,
  type ResolvedAnimateOptions,
  resolveAnimateOptions,
  type TalkingHeadOptions,
} from './talking-head-options.js';

/** How a platform entry (Node or browser) turns user inputs into pixels and samples. */
export interface PipelinePlatform<ImageInput, AudioInput> {
  decodeImage(input: ImageInput, signal?: AbortSignal): Promise<RgbImage>;
  /** Mono PCM at `sampleRate` (the audio encoder's) and the audio's duration. */
  decodeAudio(
    input: AudioInput,
    sampleRate: number,
    signal?: AbortSignal,
  ): Promise<{ pcm: Float32Array; durationSeconds: number }>;
  /**
   * Where renderer forms chosen by timing on a GPU are remembered (a file under the SDK's cache folder in
   * Node, memory in browsers) and the GPU they hold for; the batch is each head's first run's `renderBatch`.
   */
  readonly rendererChoice?: Omit<RendererChoiceOptions, 'batch'>;
}

/**
 * One animation's inputs. `audio` is what the platform decodes (a file, bytes, PCM) or, in `stream()`, an
 * {@link AudioStreamInput}: PCM chunks animated as they arrive.
 */
export interface AnimateInput<ImageInput, AudioInput> {
  readonly image: ImageInput;
  readonly audio: AudioInput | AudioStreamInput;
}

/** A loaded talking-head pipeline. Reuse it for many animations; `dispose` frees its models. */
export interface TalkingHead<ImageInput, AudioInput> {
  readonly manifest: ModelManifest;
  /**
   * Width of the audio features the motion model takes (`audioFeatureDim` of the bundle's motion
   * generator, 768 for the released model): a custom `audioEncoder` must have this `featureDim`.
   */
  readonly audioFeatureDim: number;
  /**
   * Animates an image from speech as a stream of events: `source-ready`, `motion-chunk` (each sampled
   * window), `frame` (each finished frame, in order, with its presentation time), `progress`, and
   * `stream-end`. With an audio stream, each window is sampled as soon as its audio is in and each frame is
   * rendered once the audio reaches it; the motion equals that of the whole audio (unless `lookahead`).
   * Breaking out of the loop or aborting the signal stops the work, closes the audio stream and frees what
   * the run holds.
   */
  stream(
    input: AnimateInput<ImageInput, AudioInput>,
    options?: AnimateOptions,
  ): AsyncGenerator<TalkingHeadEvent, void>;
  /**
   * Loads every model and runs each network once on `image` (a few frames of silence, one sampler step,
   * nothing kept), so that a later `stream()` starts at full speed. For live input, call it before opening
   * the microphone: on a GPU, loading the sessions and their first runs (cuDNN's algorithm search) took
   * 1.4–2.4 s, which the first window's frames otherwise wait for (docs/benchmarks.md). Takes the options
   * the live run will use (`renderBatch`, `positionalEncoding`, `signal`…); throws what `stream()` would.
   */
  warmUp(image: ImageInput, options?: AnimateOptions): Promise<void>;
  dispose(): Promise<void>;
}

interface LoadedModels {
  liveportrait?: Promise<LivePortraitModels>;
  audioEncoder?: Promise<AudioEncoderV1>;
  motion: Map<PositionalEncodingMode, Promise<MotionGenerator>>;
}

function createScheduler(sampler: ResolvedAnimateOptions['sampler'], generator: MotionGenerator) {
  const trainSteps = generator.config.diffusionSteps;
  return sampler === 'ddpm'
    ? createDdpmScheduler({ trainSteps })
    : createDdimScheduler({ trainSteps }, { steps: sampler.ddim });
}

/** The sampler's audio: the whole PCM, or the live stream (with its lookahead in frames, when set). */
function motionAudio(
  live: LiveAudio | undefined,
  pcm: Float32Array | undefined,
  lookahead: number | undefined,
  fps: number,
  generator: MotionGenerator,
) {
  if (!live) return { pcm: pcm! };
  if (lookahead === undefined) return { pcmStream: live.pcm };
  const { windowFrames } = generator.denoiser.config;
  return {
    pcmStream: live.pcm,
    lookaheadFrames: Math.min(windowFrames, Math.max(1, Math.ceil(lookahead * fps))),
  };
}

/**
 * Builds a talking head on a bundle, a backend and a platform. The platform entries
 * (`@joyvasa/pipeline` for Node, its browser build) call this with their defaults.
 */
export function createTalkingHeadWith<ImageInput, AudioInput>(
  bundle: ModelBundle,
  backend: BackendV1,
  platform: PipelinePlatform<ImageInput, AudioInput>,
  options: Omit<TalkingHeadOptions, 'models' | 'backend'>,
): TalkingHead<ImageInput, AudioInput> {
  const onEvent: EventListener | undefined = options.onEvent;
  const shared = { device: options.device ?? 'auto', ...(onEvent ? { onEvent } : {}) } as const;
  const loaded: LoadedModels = { motion: new Map() };
  let disposed = false;
  const throwIfDisposed = () => {
    if (disposed) throw new DisposedError('talking head', 'create a new one with createTalkingHead');
  };

  // Loaded by the first run (or warmUp): its render batch is the one the renderer's forms are timed at.
  const liveportrait = (renderBatch: number) => {
    loaded.liveportrait ??= loadLivePortrait(bundle, backend, {
      ...shared,
      mode: options.mode ?? 'human',
      renderer: options.renderer,
      ...(platform.rendererChoice
        ? { rendererChoice: { ...platform.rendererChoice, batch: renderBatch } }
        : {}),
    });
    return loaded.liveportrait;
  };
  const audioEncoder = () => {
    loaded.audioEncoder ??= options.audioEncoder
      ? Promise.resolve(options.audioEncoder)
      : loadAudioEncoder(bundle, backend, shared);
    return loaded.audioEncoder;
  };
  const motion = (positionalEncoding: PositionalEncodingMode) => {
    let generator = loaded.motion.get(positionalEncoding);
    if (!generator) {
      generator = loadMotionGenerator(bundle, backend, { ...shared, positionalEncoding });
      loaded.motion.set(positionalEncoding, generator);
    }
    return generator;
  };

  async function* stream(
    input: AnimateInput<ImageInput, AudioInput>,
    animateOptions: AnimateOptions = {},
  ): AsyncGenerator<TalkingHeadEvent, void> {
    throwIfDisposed();
    checkAnimateInput(input);
    const run = resolveAnimateOptions(animateOptions);
    const signal = run.signal;
    // The audio is decoded (or a stream read) at the encoder's rate, once it fits the motion model.
    const fittingEncoder = Promise.all([audioEncoder(), motion(run.positionalEncoding)]).then(
      ([encoder, generator]) => {
        assertEncoderMatches(encoder, generator.config);
        return encoder;
      },
    );
    const live = isAudioStreamInput(input.audio)
      ? openLiveAudio(input.audio, {
          sampleRate: await liveSampleRate(input.audio, fittingEncoder),
          idleTimeoutMs: run.idleTimeoutMs,
          ...(signal ? { signal } : {}),
        })
      : undefined;
    let source: PreparedSource | undefined;
    try {
      const [image, audio] = await Promise.all([
        platform.decodeImage(input.image, signal),
        live
          ? undefined
          : fittingEncoder.then((encoder) =>
              platform.decodeAudio(input.audio as AudioInput, encoder.sampleRate, signal),
            ),
      ]);
      const [models, encoder, generator] = await Promise.all([
        liveportrait(run.renderBatch),
        audioEncoder(),
        motion(run.positionalEncoding),
      ]);
      throwIfAborted(signal);
      source = await prepareSource(image, models, {
        ...run,
        faceLocator: options.faceLocator,
      });
      yield {
        type: 'source-ready',
        width: source.image.width,
        height: source.image.height,
        cropMethod: source.cropMethod,
        facesFound: source.facesFound,
        ...source.located,
      };
      if (source.facesFound > 1) {
        yield {
          type: 'notice',
          code: 'several-faces',
          message: `${source.facesFound} faces found; animating the largest`,
        };
      }
      const fps = generator.config.fps;
      const budget = live ? liveFrameBudget(live, fps) : fixedFrameBudget(audio!.durationSeconds, fps);
      // Sampling runs ahead of rendering: a stream that ends early stops it mid-window.
      const stopSampling = new AbortController();
      const samplingSignal = signal ? AbortSignal.any([signal, stopSampling.signal]) : stopSampling.signal;
      const stop = () => {
        stopSampling.abort();
        live?.close();
      };
      const motionStream = sampleMotion({
        ...motionAudio(live, audio?.pcm, run.lookahead, fps, generator),
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
      const prepared = source;
      // One liveportrait call per render batch: driver, stitching, renderer and paste-back of N frames.
      const render = (frames: readonly MotionFrame[]) =>
        prepared.renderFrames(frames, signal ? { signal } : {});
      const frameCount = yield* renderMotion(motionStream, budget, fps, run.renderBatch, render, stop);
      yield { type: 'stream-end', frameCount, fps, durationSeconds: budget.durationSeconds() };
    } finally {
      live?.close();
      await source?.dispose();
    }
  }

  async function warmUp(image: ImageInput, animateOptions: AnimateOptions = {}): Promise<void> {
    throwIfDisposed();
    const run = resolveAnimateOptions(animateOptions);
    // The same (memoised) models stream() uses: they give the length of one render batch of silence.
    const [encoder, generator] = await Promise.all([audioEncoder(), motion(run.positionalEncoding)]);
    const { sampleRate } = encoder;
    const pcm = new Float32Array(Math.round((run.renderBatch * sampleRate) / generator.config.fps));
    // Every platform's audio input takes mono PCM.
    const audio = { pcm, sampleRate } as AudioInput;
    for await (const _ of stream({ image, audio }, { ...animateOptions, sampler: { ddim: 1 } })) {
      // Each event is dropped: only the sessions' first runs matter.
    }
  }

  return {
    manifest: bundle.manifest,
    audioFeatureDim: motionGeneratorData(bundle.manifest).config.audioFeatureDim,
    stream,
    warmUp,
    async dispose() {
      if (disposed) return;
      disposed = true;
      const models: Array<Promise<{ dispose?: () => Promise<void> } | undefined> | undefined> = [
        loaded.liveportrait,
        ...loaded.motion.values(),
        // A caller's own encoder is the caller's to dispose.
        options.audioEncoder ? undefined : loaded.audioEncoder,
      ];
      await Promise.all(models.map(async (model) => (await model?.catch(() => undefined))?.dispose?.()));
    },
  };
}
