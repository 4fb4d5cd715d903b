import {
  type AudioEncoderV1,
  assertFinite,
  assertTensor,
  type Float32Tensor,
  InvalidInputError,
  throwIfAborted,
} from '@joyvasa/core';
import { type AudioWindowPlan, windowSamples } from './audio-window-plan.js';

/** Checks that the encoder takes the plan's sample rate and gives features at its frame rate. */
export function assertEncoderMatches(
  encoder: AudioEncoderV1,
  plan: Pick<AudioWindowPlan, 'sampleRate' | 'fps'>,
): void {
  if (encoder.sampleRate !== plan.sampleRate || encoder.featuresPerSecond !== plan.fps) {
    throw new InvalidInputError(
      'audioEncoder',
      `it takes ${encoder.sampleRate} Hz and gives ${encoder.featuresPerSecond} frames/s; the motion model needs ` +
        `${plan.sampleRate} Hz and ${plan.fps} frames/s (resample the audio or use a matching encoder)`,
    );
  }
}

/** Encodes the samples of window `index` and checks the features: [windowFrames, encoder.featureDim]. */
export async function encodeWindow(
  encoder: AudioEncoderV1,
  samples: Float32Array,
  index: number,
  windowFrames: number,
  signal: AbortSignal | undefined,
): Promise<Float32Tensor> {
  throwIfAborted(signal);
  const features = await encoder.encode(samples, signal ? { signal } : {});
  assertTensor(`audio features of window ${index}`, features, 'float32', [windowFrames, encoder.featureDim]);
  return features;
}

/**
 * Encodes each window of `pcm` independently, as the official code does (no acoustic context crosses a
 * window boundary), one window at a time so sampling can start before the rest is encoded.
 * Yields features [windowFrames, encoder.featureDim] at `plan.fps`.
 */
export async function* encodeAudioWindows(
  pcm: Float32Array,
  plan: AudioWindowPlan,
  encoder: AudioEncoderV1,
  signal?: AbortSignal,
): AsyncGenerator<Float32Tensor> {
  assertEncoderMatches(encoder, plan);
  for (let index = 0; index < plan.windowCount; index++) {
    yield encodeWindow(encoder, windowSamples(pcm, plan, index), index, plan.windowFrames, signal);
  }
}

/** Checks PCM for the sampler: mono float samples, at least one, all finite. */
export function assertPcm(pcm: unknown): asserts pcm is Float32Array {
  if (!(pcm instanceof Float32Array)) {
    throw new InvalidInputError('pcm', 'expected a Float32Array of mono samples in [-1, 1]');
  }
  if (pcm.length === 0) throw new InvalidInputError('pcm', 'the audio is empty; pass at least one sample');
  assertFinite('pcm', pcm);
}
