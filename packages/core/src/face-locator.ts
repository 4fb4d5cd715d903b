import type { RunOptions } from './backend.js';
import type { AnimationMode } from './bundle-layout.js';
import type { RgbImage } from './image.js';

/** A face box `[x1, y1, x2, y2]` in original-image pixels. */
export type FaceBox = readonly [number, number, number, number];

/**
 * How open the eyes and the mouth are, as the official code measures them on its 203 landmarks
 * (`calc_eye_close_ratio`, `calc_lip_close_ratio`): distances between lids (lips) over the eye (mouth)
 * width. Used by lip normalisation and retargeting; a locator without such points gives none.
 */
export interface FaceOpenness {
  /** `[left, right]` eye ratio. */
  readonly eyes: readonly [number, number];
  /** Lip ratio. */
  readonly lip: number;
}

/** One face as a locator sees it. */
export interface LocatedFace {
  readonly box: FaceBox;
  /** Detector confidence, 0..1. */
  readonly score: number;
  /**
   * The points the source crop is placed by, flat `[x0, y0, x1, y1, …]` in original-image pixels, in a
   * layout the crop understands (`landmarkLayouts` of `@joyvasa/liveportrait`: 106 InsightFace, 203
   * LivePortrait, 68 iBUG, 5 detector points, 9 animal-face points, or more than 101): the crop takes the
   * eye centre and the lip centre from them and their extent for its size.
   */
  readonly cropLandmarks: Float32Array;
  /** Eye and lip opening of this face, or null when the locator cannot measure them. */
  readonly openness: FaceOpenness | null;
}

/** What {@link FaceLocatorV1.locate} found. */
export interface FaceLocation {
  /** The face to animate: the largest (the official `direction='large-small'`). */
  readonly face: LocatedFace;
  /** Every other face the detector kept, largest first (boxes and scores only). */
  readonly others: readonly { readonly box: FaceBox; readonly score: number }[];
}

/** Options of one {@link FaceLocatorV1.locate} call. */
export interface LocateFaceOptions extends RunOptions {
  /** Detector score threshold, 0..1; each locator documents its default. */
  readonly threshold?: number;
}

/**
 * Finds the face to crop in a source image. The official detectors (InsightFace SCRFD + 106 landmarks +
 * LivePortrait's 203 landmarks), MediaPipe, or a caller's own detector are plain objects with these fields:
 * no base class, no registration.
 */
export interface FaceLocatorV1 {
  readonly specificationVersion: 'v1';
  /** Names the locator in events and errors, e.g. `insightface`, `mediapipe`, `nanodet`. */
  readonly name: string;
  /** What it finds: human faces, or animal faces (cats, dogs). */
  readonly subject: AnimationMode;
  /** The largest face and the others, or null when there is none (the caller raises `NoFaceFoundError`). */
  locate(image: RgbImage, options?: LocateFaceOptions): Promise<FaceLocation | null>;
  /** Frees the locator's sessions, if it holds any. */
  dispose?(): Promise<void>;
}
