import {
  type AudioEncoderV1,
  type BackendV1,
  type DeviceRequest,
  type EventListener,
  type FaceLocatorV1,
  InvalidInputError,
  type ModelBundle,
  type ModelSourceV1,
  type ModelStore,
  type PositionalEncodingMode,
  type RendererV1,
} from '@joyvasa/core';
import {
  type AnimationMode,
  type AnimationRegion,
  assertSourceOptions,
  type DrivingOption,
  type FaceBox,
  type RenderGraphs,
} from '@joyvasa/liveportrait';
import {
  assertCfgScale,
  assertDdimSteps,
  assertNoiseSource,
  assertSeed,
  defaultCfgScale,
  type NoiseSource,
} from '@joyvasa/motion-diffusion';

/** Options of `createTalkingHead`: what stays fixed across many animations. */
export interface TalkingHeadOptions {
  /**
   * The model bundle: a folder path (Node), an http(s) URL, a {@link ModelSourceV1}, or an opened
   * {@link ModelBundle}. Nothing is fetched unless you pass a URL.
   */
  readonly models: string | URL | ModelSourceV1 | ModelBundle;
  /** The runtime. Default: onnxruntime-node in Node, onnxruntime-web in browsers. */
  readonly backend?: BackendV1;
  /** Where to run. `'auto'` (default) picks CUDA or WebGPU when available and reports a fallback. */
  readonly device?: DeviceRequest;
  /** `'human'` (default) or `'animal'`. */
  readonly mode?: AnimationMode;
  /** Your own audio encoder, used instead of the bundle's: features of `head.audioFeatureDim` at the motion fps. */
  readonly audioEncoder?: AudioEncoderV1;
  /** Your own renderer, used instead of LivePortrait's warping module and generator. */
  readonly renderer?: RendererV1;
  /**
   * Which of the bundle's render graphs open: `'auto'` (default) the warping module and generator as one
   * graph where the bundle has it and the device runs it, else the two; `'split'` the two always, so that on
   * CUDA with `@joyvasa/backend-onnx-capi` each gets its own provider options (its `sessions` by name) and
   * W's output reaches G on the device (docs/guide/devices.md).
   */
  readonly renderGraphs?: RenderGraphs;
  /**
   * Your own face locator (MediaPipe, a service, fixed landmarks), used instead of the bundle's InsightFace
   * models: it places the crop and, with eye and lip openness, drives lip normalisation. Human mode.
   */
  readonly faceLocator?: FaceLocatorV1;
  /** Cache for model files fetched from a URL (Cache API in browsers, a folder in Node). */
  readonly store?: ModelStore;
  /**
   * Model-loading and device events (`model-file`, `backend-fallback`, `notice`, and `variant-chosen`: the
   * renderer form a GPU opened, see docs/guide/devices.md).
   */
  readonly onEvent?: EventListener;
}

/** Options of one animation. Defaults follow the official Gradio app (see docs/guide/options.md). */
export interface AnimateOptions {
  /** Classifier-free guidance scale. Default `defaultCfgScale` (4.0, the official app's; its CLI uses 2.8). */
  readonly cfgScale?: number;
  /** Seed of the motion sampler's noise. Default 0, so the same inputs give the same video. */
  readonly seed?: number;
  /**
   * The sampler's noise instead of the seeded PRNG: the `drawIndex`-th standard normal draw (from 1, in the
   * official order), e.g. to replay a reference run. Takes precedence over `seed`.
   */
  readonly noise?: NoiseSource;
  /**
   * The sampler: `'ddpm'` (default, official: every one of the checkpoint's steps) or `{ ddim: steps }`
   * (faster, deterministic, not the official sampler).
   */
  readonly sampler?: 'ddpm' | { readonly ddim: number };
  /** EMA smoothing of head pose, scale and translation, as the official code does. Default true. */
  readonly smoothing?: boolean;
  /** The DiT's positional encoding: `'legacy'` (default; what the released weights were trained with) or `'fixed'`. */
  readonly positionalEncoding?: PositionalEncodingMode;
  /** Crop around the face (true, default) or use the whole image stretched to 256x256 (the official CLI's way). */
  readonly crop?: boolean;
  /** Crop side over the face landmarks' extent (`scale`). Default 2.3 (the official app; its CLI uses 3.0). */
  readonly cropScale?: number;
  /** Vertical shift of the crop centre, in crop sides, negative is up (`vy_ratio`). Default −0.125. */
  readonly cropOffsetY?: number;
  /** Align the crop with the eye-to-mouth axis (`flag_do_rot`). Default true. */
  readonly cropRotation?: boolean;
  /** Face detector score threshold, 0..1 (`det_thresh`). Default 0.15 for InsightFace. */
  readonly detectionThreshold?: number;
  /** The source image's longest side is shrunk to this before the crop (`source_max_dim`); 0 keeps it. Default 1280. */
  readonly sourceMaxDim?: number;
  /** Source sides are cut down to a multiple of this (`source_division`). Default 2. */
  readonly sourceDivision?: number;
  /** A face box `[x1, y1, x2, y2]` (pixels of the input image) to crop around instead of detecting one. */
  readonly faceBox?: FaceBox;
  /**
   * Animal mode: the 9 animal-face keypoints in X-Pose order (flat `[x, y] × 9`, input-image pixels), the
   * official crop's input, for callers that run their own animal keypoint model.
   */
  readonly faceKeypoints?: ArrayLike<number>;
  /** Stitching (keeps the shoulders still). Default true. */
  readonly stitching?: boolean;
  /** Paste the animated crop back into the original image. Default true. */
  readonly pasteBack?: boolean;
  /**
   * `flag_relative_motion`. Motion is always applied relative to the first generated frame (in both
   * codes); this flag gates what depends on it: the expression-friendly motion multiplier and lip
   * normalisation. Default true.
   */
  readonly relativeMotion?: boolean;
  /**
   * `driving_option`: `'expression-friendly'` (default, the app's and CLI's) rescales the motion so the
   * first frame's keypoint spread matches the source's; `'pose-friendly'` keeps the generated motion as is.
   */
  readonly drivingOption?: DrivingOption;
  /** Normalise the source's lip opening (human mode). Default true. */
  readonly normalizeLip?: boolean;
  /** Scales the keypoint motion. Default 1.0 (the app's; the official CLI uses 1.1). */
  readonly drivingMultiplier?: number;
  /** Which parts move. Default `'all'`. */
  readonly region?: AnimationRegion;
  /**
   * Audio streams only: seconds of a window's audio awaited before it is sampled (up to 4, one window). By
   * default a window waits for all of its audio, which makes the motion exactly that of the whole audio
   * and costs one window (4 s) of latency; a shorter lookahead samples each window that much after its
   * start, its future padded with silence: lower latency, approximate motion (docs/guide/live.md).
   */
  readonly lookahead?: number;
  /**
   * Audio streams only: the longest wait for the next chunk, in ms, before the run fails with an
   * `AudioStreamError` (`stalled`). Default: wait for ever (a microphone may be quiet and still open).
   */
  readonly idleTimeoutMs?: number;
  /**
   * Frames rendered per renderer call (W and G take a batch; a motion window is known before its frames
   * are rendered). GPUs render several frames at once faster per frame; on a CPU it gains nothing.
   * A whole number from 1 to 64. Default 1.
   */
  readonly renderBatch?: number;
  /** Stops the work and frees its resources. */
  readonly signal?: AbortSignal;
}

/** The fields of `options` that are set, so that absent ones keep the defaults of the code that uses them. */
function pickDefined<T extends object, K extends keyof T>(
  options: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

type OptionalAnimateOption =
  | 'faceBox'
  | 'faceKeypoints'
  | 'signal'
  | 'noise'
  | 'cropScale'
  | 'cropOffsetY'
  | 'cropRotation'
  | 'detectionThreshold'
  | 'sourceMaxDim'
  | 'sourceDivision'
  | 'lookahead'
  | 'idleTimeoutMs';

/** The effective options of one run; the optional ones take their defaults where they are used. */
export type ResolvedAnimateOptions = Required<Omit<AnimateOptions, OptionalAnimateOption>> &
  Pick<AnimateOptions, OptionalAnimateOption>;

/**
 * Fills in defaults, then checks each option with the rule of the package that owns it (motion-diffusion
 * for the sampler's, liveportrait's `assertSourceOptions` for the crop, face and driving options), before
 * any work starts; the pipeline's own are the live-stream options and `renderBatch`.
 */
export function resolveAnimateOptions(options: AnimateOptions = {}): ResolvedAnimateOptions {
  const resolved: ResolvedAnimateOptions = {
    cfgScale: options.cfgScale ?? defaultCfgScale,
    seed: options.seed ?? 0,
    sampler: options.sampler ?? 'ddpm',
    smoothing: options.smoothing ?? true,
    positionalEncoding: options.positionalEncoding ?? 'legacy',
    crop: options.crop ?? true,
    stitching: options.stitching ?? true,
    pasteBack: options.pasteBack ?? true,
    relativeMotion: options.relativeMotion ?? true,
    normalizeLip: options.normalizeLip ?? true,
    drivingMultiplier: options.drivingMultiplier ?? 1.0,
    region: options.region ?? 'all',
    renderBatch: options.renderBatch ?? 1,
    drivingOption: options.drivingOption ?? 'expression-friendly',
    ...pickDefined(options, [
      'noise',
      'cropScale',
      'cropOffsetY',
      'cropRotation',
      'detectionThreshold',
      'sourceMaxDim',
      'sourceDivision',
    ]),
    faceBox: options.faceBox,
    faceKeypoints: options.faceKeypoints,
    signal: options.signal,
    lookahead: options.lookahead,
    idleTimeoutMs: options.idleTimeoutMs,
  };
  checkLiveOptions(resolved);
  assertCfgScale(resolved.cfgScale);
  if (!Number.isInteger(resolved.renderBatch) || resolved.renderBatch < 1 || resolved.renderBatch > 64) {
    throw new InvalidInputError(
      'options.renderBatch',
      `must be a whole number from 1 to 64, got ${resolved.renderBatch}`,
    );
  }
  assertSeed('options.seed', resolved.seed);
  if (resolved.sampler !== 'ddpm') assertDdimSteps('options.sampler', resolved.sampler.ddim);
  if (resolved.noise !== undefined) assertNoiseSource('options.noise', resolved.noise);
  assertSourceOptions(resolved);
  return resolved;
}

function checkLiveOptions(options: Pick<AnimateOptions, 'lookahead' | 'idleTimeoutMs'>): void {
  const { lookahead, idleTimeoutMs } = options;
  if (lookahead !== undefined && !(Number.isFinite(lookahead) && lookahead > 0 && lookahead <= 4)) {
    throw new InvalidInputError(
      'options.lookahead',
      `must be seconds in (0, 4] (4 is one whole window, the exact path), got ${lookahead}`,
    );
  }
  if (idleTimeoutMs !== undefined && !(idleTimeoutMs > 0)) {
    throw new InvalidInputError(
      'options.idleTimeoutMs',
      `must be a positive number of ms, got ${idleTimeoutMs}`,
    );
  }
}
