import {
  assertTensor,
  createTensor,
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  type RendererV1,
  type RenderInput,
  type RunOptions,
  SessionRunError,
  type SessionV1,
  throwIfAborted,
} from '@joyvasa/core';

const { warpingModule: warping, spadeGenerator: generator } = graphIo;

/** Keypoint tensors [1, K, 3] of the frames stacked into [N, K, 3]. */
function stackKeypoints(what: string, tensors: readonly Float32Tensor[]): Float32Tensor {
  const bound: Record<string, number> = {};
  for (const tensor of tensors) assertTensor(what, tensor, 'float32', [1, 'keypoints', 3], bound);
  const data = new Float32Array(tensors.length * tensors[0]!.data.length);
  tensors.forEach((tensor, i) => {
    data.set(tensor.data, i * tensor.data.length);
  });
  return createTensor('float32', [tensors.length, bound.keypoints!, 3], data);
}

/** The images [N, 3, H, W] of a batch as N tensors [1, 3, H, W] (views, no copy). */
function splitImages(images: Float32Tensor): Float32Tensor[] {
  const [count, ...rest] = images.dims;
  const size = images.data.length / count!;
  return Array.from({ length: count! }, (_, i) =>
    createTensor('float32', [1, ...rest], images.data.subarray(i * size, (i + 1) * size)),
  );
}

/**
 * LivePortrait's renderer as a {@link RendererV1}: the warping module W (`feature_3d`, `kp_driving`,
 * `kp_source` → `out`) then the SPADE generator G (`feature` → `image`, [N, 3, 512, 512] in [0, 1]).
 * `renderBatch` runs N frames of one source through W and G in one call each (the graphs take a batch; W
 * broadcasts the one source volume).
 */
export function createLivePortraitRenderer(sessions: {
  readonly warping: SessionV1;
  readonly generator: SessionV1;
}): RendererV1 {
  async function run(
    features: Float32Tensor,
    driving: Float32Tensor,
    source: Float32Tensor,
    options: RunOptions,
  ): Promise<Float32Tensor> {
    const warped = await sessions.warping.run(
      {
        [warping.inputs.features]: features,
        [warping.inputs.drivingKeypoints]: driving,
        [warping.inputs.sourceKeypoints]: source,
      },
      options,
    );
    throwIfAborted(options.signal);
    const feature = warped[warping.outputs.warped];
    if (feature?.type !== 'float32') throw new SessionRunError('warping_module', 'no float32 `out` output');
    const image = (await sessions.generator.run({ [generator.inputs.warped]: feature }, options))[
      generator.outputs.image
    ];
    if (image?.type !== 'float32') throw new SessionRunError('spade_generator', 'no float32 `image` output');
    return image as Float32Tensor;
  }

  return {
    specificationVersion: 'v1',
    outputSize: { width: 512, height: 512 },
    async render(input: RenderInput, options: RunOptions = {}): Promise<Float32Tensor> {
      assertTensor('drivingKeypoints', input.drivingKeypoints, 'float32', [1, 'keypoints', 3]);
      assertTensor('sourceKeypoints', input.sourceKeypoints, 'float32', [1, 'keypoints', 3]);
      return run(input.features, input.drivingKeypoints, input.sourceKeypoints, options);
    },
    async renderBatch(inputs: readonly RenderInput[], options: RunOptions = {}): Promise<Float32Tensor[]> {
      if (inputs.length === 0) return [];
      const features = inputs[0]!.features;
      if (inputs.some((input) => input.features !== features)) {
        throw new InvalidInputError('inputs', 'a batch renders frames of one source: pass the same features');
      }
      const driving = stackKeypoints(
        'drivingKeypoints',
        inputs.map((input) => input.drivingKeypoints),
      );
      const source = stackKeypoints(
        'sourceKeypoints',
        inputs.map((input) => input.sourceKeypoints),
      );
      return splitImages(await run(features, driving, source, options));
    },
    async dispose() {
      await Promise.all([sessions.warping.dispose(), sessions.generator.dispose()]);
    },
  };
}
