import type { RunOptions } from './backend.js';
import type { Float32Tensor } from './tensor.js';

/** What a renderer needs for one frame. */
export interface RenderInput {
  /** Appearance feature volume of the source, dims [1, 32, 16, 64, 64] for LivePortrait. */
  readonly features: Float32Tensor;
  /** Source keypoints, dims [1, 21, 3]. */
  readonly sourceKeypoints: Float32Tensor;
  /** Driving keypoints of this frame, dims [1, 21, 3]. */
  readonly drivingKeypoints: Float32Tensor;
}

/**
 * Turns a source's features and a frame's keypoints into an image: dims [1, 3, H, W], values in [0, 1].
 * LivePortrait's warping module plus SPADE generator is the built-in one (512x512).
 */
export interface RendererV1 {
  readonly specificationVersion: 'v1';
  /** Output size in pixels. */
  readonly outputSize: { readonly width: number; readonly height: number };
  render(input: RenderInput, options?: RunOptions): Promise<Float32Tensor>;
  /**
   * Optional: several frames of one source in one call (their `features` and `sourceKeypoints` the same
   * tensors), one image per input, in order, each what `render` gives for it. GPUs run a batch of frames
   * several times faster per frame than one frame at a time.
   */
  renderBatch?(inputs: readonly RenderInput[], options?: RunOptions): Promise<Float32Tensor[]>;
  dispose?(): Promise<void>;
}
