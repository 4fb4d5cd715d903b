import { loadAudioEncoder } from '@joyvasa/audio-encoder';
import type {
  AudioEncoderV1,
  BackendV1,
  EventListener,
  ModelBundle,
  PositionalEncodingMode,
} from '@joyvasa/core';
import { type LivePortraitModels, loadLivePortrait, type RendererChoiceOptions } from '@joyvasa/liveportrait';
import { assertEncoderMatches, loadMotionGenerator, type MotionGenerator } from '@joyvasa/motion-diffusion';
import type { TalkingHeadOptions } from '../run/talking-head-options.js';

/** An audio encoder and the motion model it fits: the run's sample rate and frame rate come from them. */
export interface FittedAudioModels {
  readonly encoder: AudioEncoderV1;
  readonly generator: MotionGenerator;
}

/** A talking head's models, each loaded on first use and kept for the next runs. */
export interface HeadModels {
  /**
   * LivePortrait's models, loaded by the first run (or warmUp): its `renderBatch` is the batch the
   * renderer's forms are timed at.
   */
  liveportrait(renderBatch: number): Promise<LivePortraitModels>;
  /** The encoder and the motion model for `positionalEncoding`, once the encoder is found to fit it. */
  audio(positionalEncoding: PositionalEncodingMode): Promise<FittedAudioModels>;
  /** Disposes what was loaded (not a caller's own encoder, which is the caller's to dispose). */
  dispose(): Promise<void>;
}

/**
 * The models of a talking head on `bundle`, loaded lazily on `backend`; renderer forms chosen by timing are
 * remembered in the platform's `rendererChoice`.
 */
export function createHeadModels(
  bundle: ModelBundle,
  backend: BackendV1,
  options: Omit<TalkingHeadOptions, 'models' | 'backend'>,
  rendererChoice?: Omit<RendererChoiceOptions, 'batch'>,
): HeadModels {
  const onEvent: EventListener | undefined = options.onEvent;
  const shared = { device: options.device ?? 'auto', ...(onEvent ? { onEvent } : {}) } as const;
  let liveportrait: Promise<LivePortraitModels> | undefined;
  let audioEncoder: Promise<AudioEncoderV1> | undefined;
  const motion = new Map<PositionalEncodingMode, Promise<MotionGenerator>>();
  const encoder = () => {
    audioEncoder ??= options.audioEncoder
      ? Promise.resolve(options.audioEncoder)
      : loadAudioEncoder(bundle, backend, shared);
    return audioEncoder;
  };
  const generator = (positionalEncoding: PositionalEncodingMode) => {
    let loaded = motion.get(positionalEncoding);
    if (!loaded) {
      loaded = loadMotionGenerator(bundle, backend, { ...shared, positionalEncoding });
      motion.set(positionalEncoding, loaded);
    }
    return loaded;
  };
  return {
    liveportrait(renderBatch) {
      liveportrait ??= loadLivePortrait(bundle, backend, {
        ...shared,
        mode: options.mode ?? 'human',
        renderer: options.renderer,
        ...(options.renderGraphs ? { renderGraphs: options.renderGraphs } : {}),
        ...(rendererChoice ? { rendererChoice: { ...rendererChoice, batch: renderBatch } } : {}),
      });
      return liveportrait;
    },
    async audio(positionalEncoding) {
      const [fitted, motionModel] = await Promise.all([encoder(), generator(positionalEncoding)]);
      assertEncoderMatches(fitted, motionModel.config);
      return { encoder: fitted, generator: motionModel };
    },
    async dispose() {
      const models: Array<Promise<{ dispose?: () => Promise<void> } | undefined> | undefined> = [
        liveportrait,
        ...motion.values(),
        options.audioEncoder ? undefined : audioEncoder,
      ];
      await Promise.all(models.map(async (model) => (await model?.catch(() => undefined))?.dispose?.()));
    },
  };
}
