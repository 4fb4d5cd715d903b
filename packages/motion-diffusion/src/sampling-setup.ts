import {
  assertFinite,
  assertTensor,
  type DenoiserConfig,
  type Float32Tensor,
  InvalidInputError,
  type SchedulerV1,
  tensorSize,
} from '@joyvasa/core';
import type { AudioProjection } from './audio/audio-projection.js';

/** The checkpoint's learned features (`start_motion_feat`, `start_audio_feat`, `null_audio_feat`). */
export interface MotionStartFeatures {
  /** Motion context of window 0, [1, contextFrames, motionDim] (or without the leading 1). */
  readonly startMotion: Float32Tensor;
  /** Audio context of window 0, [1, contextFrames, modelDim] (or without the leading 1). */
  readonly startAudio: Float32Tensor;
  /** The guidance null token, [1, 1, modelDim] (or [modelDim]). */
  readonly nullAudio: Float32Tensor;
}

function startFeature(name: string, tensor: Float32Tensor, length: number): Float32Array {
  if (tensor?.type !== 'float32' || tensor.data.length !== length || tensorSize(tensor.dims) !== length) {
    throw new InvalidInputError(
      `startFeatures.${name}`,
      `expected ${length} float32 values, got ${tensor?.data?.length ?? 'none'} (read it from the checkpoint)`,
    );
  }
  assertFinite(`startFeatures.${name}`, tensor.data);
  return tensor.data;
}

/** Checks the learned features against the denoiser's sizes and returns their values. */
export function checkStartFeatures(features: MotionStartFeatures, config: DenoiserConfig) {
  const { contextFrames, motionDim, modelDim } = config;
  return {
    startMotion: startFeature('startMotion', features?.startMotion, contextFrames * motionDim),
    startAudio: startFeature('startAudio', features?.startAudio, contextFrames * modelDim),
    nullAudio: startFeature('nullAudio', features?.nullAudio, modelDim),
  };
}

/** Checks that the window sizes and the scheduler's timesteps fit the denoiser. */
export function checkSchedule(config: DenoiserConfig, scheduler: SchedulerV1): void {
  const { windowFrames, contextFrames, diffusionSteps } = config;
  if (!(contextFrames >= 1 && contextFrames <= windowFrames)) {
    throw new InvalidInputError(
      'denoiser.config',
      `${contextFrames} context frames for ${windowFrames}-frame windows`,
    );
  }
  const bad = scheduler.timesteps.find((t) => !Number.isInteger(t) || t < 1 || t > diffusionSteps);
  if (scheduler.timesteps.length === 0 || bad !== undefined) {
    throw new InvalidInputError(
      'scheduler',
      `timesteps must be whole numbers in 1..${diffusionSteps}${bad !== undefined ? `, got ${bad}` : ', got none'}; ` +
        'create the scheduler with trainSteps: denoiser.config.diffusionSteps',
    );
  }
}

/** Checks one window of encoder features and projects it: [windowFrames, featureDim] → [windowFrames, modelDim]. */
export async function projectWindow(
  projection: AudioProjection,
  features: Float32Tensor,
  config: DenoiserConfig,
  index: number,
  signal: AbortSignal | undefined,
): Promise<Float32Tensor> {
  const what = `audio features of window ${index}`;
  assertTensor(what, features, 'float32', [config.windowFrames, null]);
  assertFinite(what, features.data);
  const projected = await projection.project(features, signal ? { signal } : {});
  assertTensor(`projected ${what}`, projected, 'float32', [config.windowFrames, config.modelDim]);
  return projected;
}
