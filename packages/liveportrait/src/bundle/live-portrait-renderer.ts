import {
  assertTensor,
  type Float32Tensor,
  type RendererV1,
  type RenderInput,
  type RunOptions,
  SessionRunError,
  type SessionV1,
  throwIfAborted,
} from '@joyvasa/core';

/**
 * LivePortrait's renderer as a {@link RendererV1}: the warping module W (`feature_3d`, `kp_driving`,
 * `kp_source` → `out`) then the SPADE generator G (`feature` → `image`, [1, 3, 512, 512] in [0, 1]).
 */
export function createLivePortraitRenderer(sessions: {
  readonly warping: SessionV1;
  readonly generator: SessionV1;
}): RendererV1 {
  return {
    specificationVersion: 'v1',
    outputSize: { width: 512, height: 512 },
    async render(input: RenderInput, options: RunOptions = {}): Promise<Float32Tensor> {
      assertTensor('drivingKeypoints', input.drivingKeypoints, 'float32', [1, 'keypoints', 3]);
      assertTensor('sourceKeypoints', input.sourceKeypoints, 'float32', [1, 'keypoints', 3]);
      const warped = await sessions.warping.run(
        { feature_3d: input.features, kp_driving: input.drivingKeypoints, kp_source: input.sourceKeypoints },
        options,
      );
      throwIfAborted(options.signal);
      const feature = warped.out;
      if (feature?.type !== 'float32') throw new SessionRunError('warping_module', 'no float32 `out` output');
      const { image } = await sessions.generator.run({ feature }, options);
      if (image?.type !== 'float32')
        throw new SessionRunError('spade_generator', 'no float32 `image` output');
      return image as Float32Tensor;
    },
    async dispose() {
      await Promise.all([sessions.warping.dispose(), sessions.generator.dispose()]);
    },
  };
}
