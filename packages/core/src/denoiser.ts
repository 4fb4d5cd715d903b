import type { RunOptions } from './backend.js';
import type { MotionModelSizes } from './bundle-layout.js';
import type { Float32Tensor, TensorLike } from './tensor.js';

/**
 * The sizes a denoiser works with: `motionDim`, `modelDim` (the projected audio width), `windowFrames`,
 * `contextFrames` and `diffusionSteps` of {@link MotionModelSizes}.
 */
export type DenoiserConfig = Pick<
  MotionModelSizes,
  'motionDim' | 'modelDim' | 'windowFrames' | 'contextFrames' | 'diffusionSteps'
>;

/** One denoiser call. Batch B is 2 under classifier-free guidance (unconditional first). */
export interface DenoiseInput {
  /** Noisy motion x_t, dims [B, windowFrames, motionDim]. */
  readonly sample: Float32Tensor;
  /** Projected audio features of the window, dims [B, windowFrames, modelDim]. */
  readonly audio: Float32Tensor;
  /** Clean motion of the context frames, dims [B, contextFrames, motionDim]. */
  readonly previousMotion: Float32Tensor;
  /** Projected audio features of the context frames, dims [B, contextFrames, modelDim]. */
  readonly previousAudio: Float32Tensor;
  /** Diffusion step t in 1..diffusionSteps per batch entry, int64 dims [B]. */
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
