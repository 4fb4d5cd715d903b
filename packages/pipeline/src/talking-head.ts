import { loadAudioEncoder } from '@joyvasa/audio-encoder';
import {
  type AudioEncoderV1,
  type BackendV1,
  createTensor,
  type EventListener,
  JoyvasaError,
  type ModelBundle,
  type ModelManifest,
  type RgbImage,
  throwIfAborted,
} from '@joyvasa/core';
import {
  frameMotionFromAngles,
  type LivePortraitModels,
  loadLivePortrait,
  prepareSource,
} from '@joyvasa/liveportrait';
import {
  createDdimScheduler,
  createDdpmScheduler,
  loadMotionGenerator,
  type MotionGenerator,
  sampleMotion,
} from '@joyvasa/motion-diffusion';
import type { TalkingHeadEvent } from './talking-head-events.js';
import {
  type AnimateOptions,
  resolveAnimateOptions,
  type TalkingHeadOptions,
} from './talking-head-options.js';

/** How a platform entry (Node or browser) turns user inputs into pixels and samples. */
export interface PipelinePlatform<ImageInput, AudioInput> {
  decodeImage(input: ImageInput, signal?: AbortSignal): Promise<RgbImage>;
  /** Mono PCM at 16 kHz and the audio's duration. */
  decodeAudio(
    input: AudioInput,
    signal?: AbortSignal,
  ): Promise<{ pcm: Float32Array; durationSeconds: number }>;
}

/** One animation's inputs. */
export interface AnimateInput<ImageInput, AudioInput> {
  readonly image: ImageInput;
  readonly audio: AudioInput;
}

/** A loaded talking-head pipeline. Reuse it for many animations; `dispose` frees its models. */
export interface TalkingHead<ImageInput, AudioInput> {
  readonly manifest: ModelManifest;
  /**
   * Animates an image from speech as a stream of events: `source-ready`, `motion-chunk` (each sampled
   * window), `frame` (each finished frame, in order), `progress`, and `stream-end`. Breaking out of the loop
   * or aborting the signal stops the work and frees what the run holds.
   */
  stream(
    input: AnimateInput<ImageInput, AudioInput>,
    options?: AnimateOptions,
  ): AsyncGenerator<TalkingHeadEvent, void>;
  dispose(): Promise<void>;
}

interface LoadedModels {
  liveportrait?: Promise<LivePortraitModels>;
  audioEncoder?: Promise<AudioEncoderV1>;
  motion: Map<'legacy' | 'fixed', Promise<MotionGenerator>>;
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

  const liveportrait = () => {
    loaded.liveportrait ??= loadLivePortrait(bundle, backend, {
      ...shared,
      mode: options.mode ?? 'human',
      ...(options.renderer ? { renderer: options.renderer } : {}),
    });
    return loaded.liveportrait;
  };
  const audioEncoder = () => {
    loaded.audioEncoder ??= options.audioEncoder
      ? Promise.resolve(options.audioEncoder)
      : loadAudioEncoder(bundle, backend, shared);
    return loaded.audioEncoder;
  };
  const motion = (positionalEncoding: 'legacy' | 'fixed') => {
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
    if (disposed)
      throw new JoyvasaError('this talking head has been disposed; create a new one with createTalkingHead');
    const run = resolveAnimateOptions(animateOptions);
    const signal = run.signal;
    const [image, audio] = await Promise.all([
      platform.decodeImage(input.image, signal),
      platform.decodeAudio(input.audio, signal),
    ]);
    const [models, encoder, generator] = await Promise.all([
      liveportrait(),
      audioEncoder(),
      motion(run.positionalEncoding),
    ]);
    throwIfAborted(signal);
    const source = await prepareSource(image, models, {
      ...run,
      ...(options.faceLocator ? { faceLocator: options.faceLocator } : {}),
    });
    yield {
      type: 'source-ready',
      width: source.image.width,
      height: source.image.height,
      cropMethod: source.cropMethod,
      facesFound: source.facesFound,
    };
    if (source.facesFound > 1) {
      yield {
        type: 'notice',
        code: 'several-faces',
        message: `${source.facesFound} faces found; animating the largest`,
      };
    }
    const fps = generator.config.fps;
    // The official video runs about 3 frames past the audio (it pads 1920 samples); ours ends with the audio.
    const totalFrames = Math.max(1, Math.round(audio.durationSeconds * fps));
    const scheduler =
      run.sampler === 'ddpm'
        ? createDdpmScheduler({ trainSteps: generator.config.diffusionSteps })
        : createDdimScheduler({ trainSteps: generator.config.diffusionSteps }, { steps: run.sampler.ddim });
    const motionStream = sampleMotion({
      pcm: audio.pcm,
      audioEncoder: encoder,
      projection: generator.projection,
      denoiser: generator.denoiser,
      scheduler,
      startFeatures: generator.startFeatures,
      template: generator.template,
      cfgScale: run.cfgScale,
      seed: run.seed,
      ...(run.noise ? { noise: run.noise } : {}),
      smoothing: run.smoothing,
      fps,
      ...(signal ? { signal } : {}),
    });
    let index = 0;
    const runOptions = signal ? { signal } : {};
    for await (const chunk of motionStream) {
      yield { type: 'motion-chunk', startFrame: chunk.startFrame, frames: chunk.frames, totalFrames, fps };
      yield {
        type: 'progress',
        stage: 'sample-motion',
        completed: chunk.index + 1,
        total: chunk.windowCount,
      };
      for (const frame of chunk.frames) {
        if (index >= totalFrames) break;
        const driving = await source.driver.drive(frameMotionFromAngles(frame), runOptions);
        const rendered = await models.renderer.render(
          {
            features: source.features,
            sourceKeypoints: source.sourceKeypoints,
            drivingKeypoints: createTensor('float32', [1, driving.length / 3, 3], driving),
          },
          runOptions,
        );
        const image = await source.compose(rendered, runOptions);
        yield { type: 'frame', index, time: index / fps, image };
        index++;
        yield { type: 'progress', stage: 'render', completed: index, total: totalFrames };
      }
      if (index >= totalFrames) break;
    }
    yield { type: 'stream-end', frameCount: index, fps, durationSeconds: audio.durationSeconds };
  }

  return {
    manifest: bundle.manifest,
    stream,
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
