import type { RunOptions } from './backend.js';
import type { Float32Tensor, TensorLike } from './tensor.js';

/** The sizes a denoiser works with, read from its checkpoint. */
export interface DenoiserConfig {
  /** Length of the normalised motion vector per frame (70). */
  readonly motionDim: number;
  /** Width of the audio features the denoiser takes after projection (256 for the released model). */
  readonly audioDim: number;
  /** Frames generated per window (100). */
  readonly windowFrames: number;
  /** Frames of context carried over from the previous window (25). */
  readonly contextFrames: number;
  /** Diffusion steps the model was trained with (50). */
  readonly trainSteps: number;
}

/** One denoiser call. Batch B is 2 under classifier-free guidance (unconditional first). */
export interface DenoiseInput {
  /** Noisy motion x_t, dims [B, windowFrames, motionDim]. */
  readonly sample: Float32Tensor;
  /** Projected audio features of the window, dims [B, windowFrames, audioDim]. */
  readonly audio: Float32Tensor;
  /** Clean motion of the context frames, dims [B, contextFrames, motionDim]. */
  readonly previousMotion: Float32Tensor;
  /** Projected audio features of the context frames, dims [B, contextFrames, audioDim]. */
  readonly previousAudio: Float32Tensor;
  /** Diffusion step t in 1..trainSteps per batch entry, int64 dims [B]. */
  readonly timestep: TensorLike<'int64'>;
}

/**
 * A denoising network run one step per call: predicts the clean motion x0 of the context and the window,
 * dims [B, contextFrames + windowFrames, motionDim].
 */
export interface DenoiserV1 {
  readonly specificationVersion: 'v1';
  readonly config: DenoiserConfig;
  denoise(input: DenoiseInput, options?: RunOptions): Promise<Float32Tensor>;
  dispose?(): Promise<void>;
}
