import {
  graphIo,
  InvalidInputError,
  NoFaceFoundError,
  type RgbImage,
  type RunOptions,
  type SessionV1,
  throwIfAborted,
} from '@joyvasa/core';
import { type FaceDetection, sortLargestFirst } from './face-detection.js';
import { detectLandmarks106 } from './landmark-106.js';
import { detectLandmarks203 } from './landmark-203.js';
import {
  decodeScrfdOutputs,
  prepareScrfdInput,
  type ScrfdDecodeOptions,
  scrfdDefaultThreshold,
} from './scrfd.js';

/**
 * The sessions of the human face models. InsightFace's `buffalo_l` models (detector and 106 points) are
 * licensed for non-commercial research only; LivePortrait's `landmark.onnx` is MIT.
 */
export interface FaceSessions {
  /** SCRFD `det_10g.onnx` (InsightFace buffalo_l). */
  readonly detector: SessionV1;
  /** InsightFace `2d106det.onnx`. */
  readonly landmark106: SessionV1;
  /** LivePortrait `landmark.onnx` (203 points); optional: without it there are no eye/lip ratios. */
  readonly landmark203?: SessionV1;
}

/** Options of {@link detectFaces} and {@link detectFace}. */
export interface DetectFaceOptions extends Omit<ScrfdDecodeOptions, 'scale'>, RunOptions {}

/** The face the pipeline animates, with every face the detector kept. */
export interface DetectFaceResult {
  /** The largest face. */
  readonly face: FaceDetection;
  /** Its 106 landmarks, flat `[x0, y0, …]` (212 values), original pixels: the crop is built from them. */
  readonly landmarks106: Float32Array;
  /** Its 203 landmarks (406 values) when a `landmark203` session was given, else null. */
  readonly landmarks203: Float32Array | null;
  /** Every face after NMS, largest box first (`faces[0]` is `face`); `faces.length` is how many were found. */
  readonly faces: readonly FaceDetection[];
}

/**
 * Runs the SCRFD detector on an image: every face after NMS, largest box first (the official
 * `direction='large-small'`). Returns an empty list when there is none.
 */
export async function detectFaces(
  image: RgbImage,
  detector: SessionV1,
  options: DetectFaceOptions = {},
): Promise<FaceDetection[]> {
  const inputSize = options.inputSize ?? 512;
  if (!Number.isInteger(inputSize) || inputSize < 32 || inputSize % 32 !== 0) {
    throw new InvalidInputError('options.inputSize', `expected a multiple of 32, got ${inputSize}`);
  }
  const { tensor, scale } = prepareScrfdInput(image, inputSize);
  const outputs = await detector.run(
    { [graphIo.faceDetector.inputs.image]: tensor },
    options.signal ? { signal: options.signal } : {},
  );
  const ordered = detector.outputNames.map((name) => outputs[name]!);
  return sortLargestFirst(decodeScrfdOutputs(ordered, { ...options, inputSize, scale }));
}

/**
 * Finds the face to animate as the official `Cropper` does: SCRFD detection, the largest face, its 106
 * landmarks (`2d106det`), and, if a session is given, its 203 landmarks (`landmark.onnx`).
 * Throws {@link NoFaceFoundError} when the detector keeps no face.
 */
export async function detectFace(
  image: RgbImage,
  sessions: FaceSessions,
  options: DetectFaceOptions = {},
): Promise<DetectFaceResult> {
  const faces = await detectFaces(image, sessions.detector, options);
  const face = faces[0];
  if (!face) {
    throw new NoFaceFoundError(
      `No face found in the ${image.width}x${image.height} image (detector threshold ${options.threshold ?? scrfdDefaultThreshold}). ` +
        'Use a photo with a clearly visible, roughly frontal face, or lower options.threshold.',
    );
  }
  const run = options.signal ? { signal: options.signal } : {};
  throwIfAborted(options.signal);
  const landmarks106 = await detectLandmarks106(image, face.box, sessions.landmark106, run);
  throwIfAborted(options.signal);
  const landmarks203 = sessions.landmark203
    ? await detectLandmarks203(image, landmarks106, sessions.landmark203, run)
    : null;
  return { face, landmarks106, landmarks203, faces };
}
