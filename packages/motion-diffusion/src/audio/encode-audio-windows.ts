import {
  type AudioEncoderV1,
  assertFinite,
  assertTensor,
  type Float32Tensor,
  InvalidInputError,
  throwIfAborted,
} from '@joyvasa/core';
import { type AudioWindowPlan, windowSamples } from './audio-window-plan.js';

/**
 * Checks an audio encoder against what the motion model needs: features at the model's frame rate
 * (`fps`) and, when `audioFeatureDim` is given, of the width its audio projection takes. The encoder's
 * sample rate is free: the SDK decodes and resamples the audio to it.
 */
export function assertEncoderMatches(
  encoder: AudioEncoderV1,
  model: { readonly fps: number; readonly audioFeatureDim?: number },
): void {
  if (encoder.featuresPerSecond !== model.fps) {
    throw new InvalidInputError(
      'audioEncoder',
      `it gives ${encoder.featuresPerSecond} feature frames per second; the motion model needs features at ` +
        `${model.fps} per second (its sample rate, ${encoder.sampleRate} Hz, can be any: the audio is ` +
        'resampled to it)',
    );
  }
  if (model.audioFeatureDim !== undefined && encoder.featureDim !== model.audioFeatureDim) {
    throw new InvalidInputError(
      'audioEncoder',
      `its featureDim is ${encoder.featureDim}; the motion model's audio projection takes features ` +
        `${model.audioFeatureDim} wide (audioFeatureDim): use an encoder of that width`,
    );
  }
}

/** Checks that PCM planned at `plan.sampleRate` is what the encoder takes, then the encoder itself. */
export function assertPlanFitsEncoder(
  encoder: AudioEncoderV1,
  plan: Pick<AudioWindowPlan, 'sampleRate' | 'fps'>,
): void {
  if (encoder.sampleRate !== plan.sampleRate) {
    throw new InvalidInputError(
      'audioEncoder',
      `it takes ${encoder.sampleRate} Hz PCM but the audio was planned at ${plan.sampleRate} Hz; ` +
        "decode the audio at the encoder's sampleRate",
    );
  }
  assertEncoderMatches(encoder, plan);
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
  assertPlanFitsEncoder(encoder, plan);
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
