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

import { inFixedBatches, padBatch } from './fixed-batch.js';

const { warpingModule: warping, spadeGenerator: generator, renderer: fusedIo } = graphIo;

/** The bundle's render graphs: W+G as one graph where the device takes it, else W then G. */
export type LivePortraitRenderSessions =
  | { readonly fused: SessionV1 }
  | { readonly warping: SessionV1; readonly generator: SessionV1 };

/** Options of {@link createLivePortraitRenderer}. */
export interface LivePortraitRendererOptions {
  /**
   * The batch the render sessions were opened with (`SessionOptions.fixedAxes`): every call is run at
   * exactly this many frames (fewer padded with the last one, the extra images dropped; more split), so a
   * session fixed at 8 never sees 1. Default: each call at its own size.
   */
  readonly batch?: number;
}

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
  /** The batch every render runs at (the sessions' fixed batch), when there is one. */
  readonly batch?: number;
  /**
   * Present where the last render graph's session leaves outputs on its device (`SessionV1.runToDevice`):
   * {@link renderKeypoints} with the images `[N, 3, 512, 512]` left there, for a session of the same backend
   * (the paste-back graph) to take without a copy to the host and back. With a fixed {@link batch}, N is
   * that batch (at most that many frames; the real ones first). The caller disposes the result.
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
    const warpingFeeds = {
      [warping.inputs.features]: features,
      [warping.inputs.drivingKeypoints]: driving,
      [warping.inputs.sourceKeypoints]: source,
    };
    // The occlusion map and the deformation field are not needed: they stay on the device.
    const only = { ...signal, outputs: [warping.outputs.warped] };
    if (sessions.warping.runToDevice) {
      const kept = await sessions.warping.runToDevice(warpingFeeds, only);
      return warpedOnDevice(sessions, kept, last, signal);
    }
    const warped = await sessions.warping.run(warpingFeeds, only);
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
 * G on W's warped features left on the device (`runToDevice`): no trip through the host between the two.
 * The device tensor is disposed after G's run, also when it fails or the run is aborted.
 */
async function warpedOnDevice<T>(
  sessions: { readonly generator: SessionV1 },
  kept: Record<string, DeviceTensor>,
  last: ImageRun<T>,
  signal: RunOptions,
): Promise<T> {
  try {
    const feature = kept[warping.outputs.warped];
    if (!feature) throw new SessionRunError('warping_module', `no \`${warping.outputs.warped}\` output`);
    throwIfAborted(signal.signal);
    const feeds = { [generator.inputs.warped]: feature };
    return await last(sessions.generator, feeds, generator.outputs.image, 'spade_generator', signal);
  } finally {
    await Promise.all(Object.values(kept).map((tensor) => tensor.dispose()));
  }
}

/**
 * A pass to the device at a fixed batch: fewer frames are padded (the last one repeated), so the images
 * left on the device are `batch` of them, the real ones first; more than `batch` is an `InvalidInputError`
 * (a device tensor is not split here).
 */
function paddedToBatch(
  pass: (f: SessionFeed, d: Float32Tensor, s: Float32Tensor, o: RunOptions) => Promise<DeviceTensor>,
  batch: number,
) {
  return (features: SessionFeed, driving: Float32Tensor, source: Float32Tensor, options: RunOptions) => {
    const count = driving.dims[0]!;
    if (count > batch) {
      throw new InvalidInputError(
        'drivingKeypoints',
        `at most ${batch} frames stay on the device, got ${count}`,
      );
    }
    return pass(features, padBatch(driving, batch), padBatch(source, batch), options);
  };
}

/**
 * LivePortrait's renderer over the bundle's graphs: the warping module W (`feature_3d`, `kp_driving`,
 * `kp_source` → `out`) then the SPADE generator G (`feature` → `image`, [N, 3, 512, 512] in [0, 1]), or
 * the two as one graph (`renderer`). `renderBatch` runs N frames of one source in one call of each graph
 * (the graphs take a batch; W broadcasts the one source volume).
 */
export function createLivePortraitRenderer(
  sessions: LivePortraitRenderSessions,
  options: LivePortraitRendererOptions = {},
): LivePortraitRenderer {
  const { batch } = options;
  const pass = renderPass(sessions, imageToHost);
  const run = batch === undefined ? pass : inFixedBatches(pass, batch);
  const devicePass = imageSession(sessions).runToDevice ? renderPass(sessions, imageOnDevice) : undefined;
  const runOnDevice = devicePass && (batch === undefined ? devicePass : paddedToBatch(devicePass, batch));
  const featureSession = 'fused' in sessions ? sessions.fused : sessions.warping;
  const checkKeypoints = (sourceKeypoints: Float32Tensor, drivingKeypoints: Float32Tensor) => {
    const bound: Record<string, number> = {};
    assertTensor('drivingKeypoints', drivingKeypoints, 'float32', ['frames', 'keypoints', 3], bound);
    assertTensor('sourceKeypoints', sourceKeypoints, 'float32', ['frames', 'keypoints', 3], bound);
  };
  return {
    specificationVersion: 'v1',
    outputSize: { width: 512, height: 512 },
    ...(batch === undefined ? {} : { batch }),
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
