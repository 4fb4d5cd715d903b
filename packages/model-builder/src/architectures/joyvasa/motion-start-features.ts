import type { Float32Tensor, MotionModelSizes } from '@joyvasa/core';
import type { WeightSource } from '../../weights/weight-source.js';

/** The learned tensors the sampler feeds instead of real context or real audio (shapes as stored). */
export interface MotionStartTensors {
  /** `start_motion_feat` [1, context, motionDim]: the motion context of the first window. */
  readonly startMotion: Float32Tensor;
  /** `start_audio_feat` [1, context, d]: the audio context of the first window. */
  readonly startAudio: Float32Tensor;
  /** `null_audio_feat` [1, 1, d]: the classifier-free-guidance null token. */
  readonly nullAudio: Float32Tensor;
}

/** Reads `start_motion_feat`, `start_audio_feat` and `null_audio_feat` of a motion-generator state dict. */
export function readMotionStartTensors(weights: WeightSource, config: MotionModelSizes): MotionStartTensors {
  return {
    startMotion: weights.get('start_motion_feat', [1, config.contextFrames, config.motionDim]),
    startAudio: weights.get('start_audio_feat', [1, config.contextFrames, config.modelDim]),
    nullAudio: weights.get('null_audio_feat', [1, 1, config.modelDim]),
  };
}
