import type { FaceBox, FaceLocatorV1 } from '@joyvasa/core';
import type { AnimationRegion } from '../motion/combine-motion.js';
import type { DrivingOption } from '../motion/keypoint-driver.js';

/**
 * Options of {@link prepareSource}. The switches mirror the official `InferenceConfig` (flag names in
 * brackets); crop, size-limit and detector fields left out take the official defaults of the functions
 * that use them (`estimateCropTransform`, `resizeToLimit`, `scrfdDefaultThreshold`).
 */
export interface PrepareSourceOptions {
  /** Crop around the face (`flag_do_crop`), or stretch the whole image to 256x256. */
  readonly crop: boolean;
  /** Crop side over the landmarks' extent (`scale`): 2.3 by default (the app); the official CLI uses 3.0. */
  readonly cropScale?: number;
  /** Vertical shift of the crop centre in crop sides, negative is up (`vy_ratio`). Default −0.125. */
  readonly cropOffsetY?: number;
  /** Align the crop with the eye-to-mouth axis (`flag_do_rot`). Default true. */
  readonly cropRotation?: boolean;
  /** Longest source side before the crop (`source_max_dim`); 0 keeps the size. Default 1280. */
  readonly sourceMaxDim?: number;
  /** Both source sides are cut to a multiple of this (`source_division`). Default 2. */
  readonly sourceDivision?: number;
  /** Face detector score threshold (`det_thresh`), 0..1. Default: the locator's (0.15 for InsightFace). */
  readonly detectionThreshold?: number;
  /** Finds the face: the caller's locator, else InsightFace when the models have its sessions. */
  readonly faceLocator?: FaceLocatorV1;
  /** A face box `[x1, y1, x2, y2]` (caller's pixels) to crop around instead of locating one. */
  readonly faceBox?: FaceBox;
  /** Animal mode: the 9 animal-face keypoints (flat, caller's pixels). */
  readonly faceKeypoints?: ArrayLike<number>;
  /** `flag_stitching`. */
  readonly stitching: boolean;
  /** `flag_pasteback` (needs the crop and stitching, as the official pipeline). */
  readonly pasteBack: boolean;
  /** `flag_relative_motion`: gates the expression-friendly multiplier and lip normalisation. */
  readonly relativeMotion: boolean;
  /** `flag_normalize_lip` (human mode, with relative motion). */
  readonly normalizeLip: boolean;
  /** `driving_multiplier`. */
  readonly drivingMultiplier: number;
  /** `driving_option`. Default `'expression-friendly'`. */
  readonly drivingOption?: DrivingOption;
  /** `animation_region`. */
  readonly region: AnimationRegion;
  readonly signal?: AbortSignal;
}

/** How the source crop was placed. */
export type CropMethod = 'detected-face' | 'face-box' | 'face-keypoints' | 'centered' | 'none';
