import { type AudioStreamInput, type DecodedAudio, isAudioStreamInput } from '@joyvasa/audio-encoder';
import type { FaceLocatorV1 } from '@joyvasa/core';
import { liveSampleRate, openLiveAudio } from '../run/live-audio.js';
import { runTalkingHead } from '../run/run-talking-head.js';
import type { TalkingHeadEvent } from '../run/talking-head-events.js';
import type { ResolvedAnimateOptions } from '../run/talking-head-options.js';
import type { HeadModels } from './head-models.js';
import type { PipelinePlatform } from './talking-head.js';

/** One run of a talking head on checked input; `decoded` is the audio when `generate()` decoded it already. */
export type Animate<ImageInput, AudioInput> = (
  image: ImageInput,
  audio: AudioInput | AudioStreamInput,
  run: ResolvedAnimateOptions,
  decoded?: DecodedAudio,
) => AsyncGenerator<TalkingHeadEvent, void>;

/**
 * The run of a talking head: decodes the image and the audio at the encoder's rate (or opens the live
 * stream at it) while the models load, then runs. A live stream is closed however the run ends.
 */
export function createAnimate<ImageInput, AudioInput>(
  models: HeadModels,
  platform: Pick<PipelinePlatform<ImageInput, AudioInput>, 'decodeImage' | 'decodeAudio'>,
  faceLocator: FaceLocatorV1 | undefined,
): Animate<ImageInput, AudioInput> {
  return async function* animate(
    image: ImageInput,
    audio: AudioInput | AudioStreamInput,
    run: ResolvedAnimateOptions,
    decoded?: DecodedAudio,
  ): AsyncGenerator<TalkingHeadEvent, void> {
    const signal = run.signal;
    const fitted = models.audio(run.positionalEncoding);
    const live = isAudioStreamInput(audio)
      ? openLiveAudio(audio, {
          sampleRate: await liveSampleRate(
            audio,
            fitted.then(({ encoder }) => encoder),
          ),
          idleTimeoutMs: run.idleTimeoutMs,
          ...(signal ? { signal } : {}),
        })
      : undefined;
    try {
      const [pixels, whole] = await Promise.all([
        platform.decodeImage(image, signal),
        live
          ? undefined
          : (decoded ??
            fitted.then(({ encoder }) =>
              platform.decodeAudio(audio as AudioInput, {
                sampleRate: encoder.sampleRate,
                keepSource: false,
                ...(signal ? { signal } : {}),
              }),
            )),
      ]);
      const [liveportrait, { encoder, generator }] = await Promise.all([
        models.liveportrait(run.renderBatch),
        fitted,
      ]);
      yield* runTalkingHead(
        {
          image: pixels,
          audio: live ? { live } : whole!,
          liveportrait,
          encoder,
          generator,
          ...(faceLocator ? { faceLocator } : {}),
        },
        run,
      );
    } finally {
      live?.close();
    }
  };
}
