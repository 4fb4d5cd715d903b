import {
  assertTensor,
  createTensor,
  type DeviceTensor,
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  type RendererV1,
  type RenderInput,
  type RunOptions,
  type SessionFeed,
  SessionRunError,
  type SessionV1,
  throwIfAborted,
} from '@joyvasa/core';

const { warpingModule: warping, spadeGenerator: generator, renderer: fusedIo } = graphIo;

/** The bundle's render graphs: W+G as one graph where the device takes it, else W then G. */
export type LivePortraitRenderSessions =
  | { readonly fused: SessionV1 }
  | { readonly warping: SessionV1; readonly generator: SessionV1 };

/**
 * The built-in renderer: a {@link RendererV1} (for callers that drive it frame by frame) that also renders
 * a batch straight from keypoint tensors, with the source's features given once per video.
 */
export interface LivePortraitRenderer extends RendererV1 {
  /**
   * Images `[N, 3, 512, 512]` in [0, 1] for driving keypoints `[N, K, 3]` and source keypoints `[N, K, 3]`
   * (the same row N times) of one source, in one run of each graph. Only the image leaves the device.
   */
  renderKeypoints(
    features: SessionFeed,
    sourceKeypoints: Float32Tensor,
    drivingKeypoints: Float32Tensor,
    options?: RunOptions,
  ): Promise<Float32Tensor>;
  /**
   * The source's feature volume, held by the session that takes it (`SessionV1.upload`) when it offers
   * that, else the tensor itself. A held one is the caller's to dispose once the video is done.
   */
  holdFeatures(features: Float32Tensor): Promise<SessionFeed>;
  /**
   * Present where the last render graph's session leaves outputs on its device (`SessionV1.runToDevice`):
   * {@link renderKeypoints} with the images `[N, 3, 512, 512]` left there, for a session of the same backend
   * (the paste-back graph) to take without a copy to the host and back. The caller disposes the result.
   */
  readonly renderKeypointsOnDevice?: (
    features: SessionFeed,
    sourceKeypoints: Float32Tensor,
    drivingKeypoints: Float32Tensor,
    options?: RunOptions,
  ) => Promise<DeviceTensor>;
}

/** True for the built-in renderer (checked by shape: the caller's own renderers are plain `RendererV1`). */
export function isLivePortraitRenderer(renderer: RendererV1): renderer is LivePortraitRenderer {
  return typeof (renderer as Partial<LivePortraitRenderer>).renderKeypoints === 'function';
}

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
export function splitImages(images: Float32Tensor): Float32Tensor[] {
  const [count, ...rest] = images.dims;
  const size = images.data.length / count!;
  return Array.from({ length: count! }, (_, i) =>
    createTensor('float32', [1, ...rest], images.data.subarray(i * size, (i + 1) * size)),
  );
}

function float32Output(outputs: Record<string, unknown>, name: string, graph: string): Float32Tensor {
  const value = outputs[name] as Float32Tensor | undefined;
  if (value?.type !== 'float32') throw new SessionRunError(graph, `no float32 \`${name}\` output`);
  return value;
}

/** The last graph's run: its image to the host, or (`onDevice`) left on the device. */
type ImageRun<T> = (
  session: SessionV1,
  feeds: Record<string, SessionFeed>,
  output: string,
  graph: string,
  options: RunOptions,
) => Promise<T>;

const imageToHost: ImageRun<Float32Tensor> = async (session, feeds, output, graph, options) =>
  float32Output(await session.run(feeds, { ...options, outputs: [output] }), output, graph);

const imageOnDevice: ImageRun<DeviceTensor> = async (session, feeds, output, graph, options) => {
  const result = await session.runToDevice!(feeds, { ...options, outputs: [output] });
  const image = result[output];
  if (!image) throw new SessionRunError(graph, `no \`${output}\` output left on the device`);
  return image;
};

/** One pass of the render graphs: W+G, or W (its warped features only) then G; `last` runs the last graph. */
function renderPass<T>(sessions: LivePortraitRenderSessions, last: ImageRun<T>) {
  return async (
    features: SessionFeed,
    driving: Float32Tensor,
    source: Float32Tensor,
    options: RunOptions,
  ): Promise<T> => {
    const signal = options.signal ? { signal: options.signal } : {};
    if ('fused' in sessions) {
      const { inputs, outputs } = fusedIo;
      const feeds = {
        [inputs.features]: features,
        [inputs.drivingKeypoints]: driving,
        [inputs.sourceKeypoints]: source,
      };
      return last(sessions.fused, feeds, outputs.image, 'renderer', signal);
    }
    const warped = await sessions.warping.run(
      {
        [warping.inputs.features]: features,
        [warping.inputs.drivingKeypoints]: driving,
        [warping.inputs.sourceKeypoints]: source,
      },
      // The occlusion map and the deformation field are not needed: they stay on the device.
      { ...signal, outputs: [warping.outputs.warped] },
    );
    throwIfAborted(options.signal);
    const feature = float32Output(warped, warping.outputs.warped, 'warping_module');
    const feeds = { [generator.inputs.warped]: feature };
    return last(sessions.generator, feeds, generator.outputs.image, 'spade_generator', signal);
  };
}

/** The session whose run makes the image: the fused graph, or G. */
const imageSession = (sessions: LivePortraitRenderSessions) =>
  'fused' in sessions ? sessions.fused : sessions.generator;

/**
 * LivePortrait's renderer over the bundle's graphs: the warping module W (`feature_3d`, `kp_driving`,
 * `kp_source` → `out`) then the SPADE generator G (`feature` → `image`, [N, 3, 512, 512] in [0, 1]), or
 * the two as one graph (`renderer`). `renderBatch` runs N frames of one source in one call of each graph
 * (the graphs take a batch; W broadcasts the one source volume).
 */
export function createLivePortraitRenderer(sessions: LivePortraitRenderSessions): LivePortraitRenderer {
  const run = renderPass(sessions, imageToHost);
  const runOnDevice = imageSession(sessions).runToDevice ? renderPass(sessions, imageOnDevice) : undefined;
  const featureSession = 'fused' in sessions ? sessions.fused : sessions.warping;
  const checkKeypoints = (sourceKeypoints: Float32Tensor, drivingKeypoints: Float32Tensor) => {
    const bound: Record<string, number> = {};
    assertTensor('drivingKeypoints', drivingKeypoints, 'float32', ['frames', 'keypoints', 3], bound);
    assertTensor('sourceKeypoints', sourceKeypoints, 'float32', ['frames', 'keypoints', 3], bound);
  };
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
    async renderKeypoints(features, sourceKeypoints, drivingKeypoints, options = {}) {
      checkKeypoints(sourceKeypoints, drivingKeypoints);
      return run(features, drivingKeypoints, sourceKeypoints, options);
    },
    ...(runOnDevice
      ? {
          async renderKeypointsOnDevice(features, sourceKeypoints, drivingKeypoints, options = {}) {
            checkKeypoints(sourceKeypoints, drivingKeypoints);
            return runOnDevice(features, drivingKeypoints, sourceKeypoints, options);
          },
        }
      : {}),
    async holdFeatures(features) {
      return featureSession.upload ? featureSession.upload(features) : features;
    },
    async dispose() {
      const all = 'fused' in sessions ? [sessions.fused] : [sessions.warping, sessions.generator];
      await Promise.all(all.map((session) => session.dispose()));
    },
  };
}
