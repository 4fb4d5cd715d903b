import { InvalidInputError, NoFaceFoundError, type RgbImage } from '@joyvasa/core';
import { centerCropTransform, cropTransformFromBox, type FaceBox } from '../crop/crop-image.js';
import { type CropOptions, type CropTransform, estimateCropTransform } from '../crop/crop-transform.js';
import { assertPixelImage } from '../image/pixel-image.js';
import { type DetectFaceOptions, detectFace, type FaceSessions } from './detect-face.js';

/** How {@link locateAnimalFace} placed the crop. */
export type AnimalCropMethod = 'keypoints' | 'box' | 'human-detector' | 'center';

/** Options of {@link locateAnimalFace}. */
export interface LocateAnimalFaceOptions {
  /** The 9 X-Pose animal-face keypoints, flat `[x, y] × 9`, if the caller has them (best). */
  readonly keypoints?: ArrayLike<number>;
  /** A face box `[x1, y1, x2, y2]` from the caller. */
  readonly box?: FaceBox;
  /** Human face models to try when neither is given (they often find cartoon and some animal faces). */
  readonly sessions?: FaceSessions;
  /** Options of the human detector. */
  readonly detection?: DetectFaceOptions;
  /** Crop geometry (defaults: 512 px, scale 2.3, vy −0.125). */
  readonly crop?: CropOptions;
}

/** Where the animal-mode crop goes and how it was found. */
export interface AnimalFaceLocation {
  readonly method: AnimalCropMethod;
  readonly transform: CropTransform;
}

/** Checks caller-given face keypoints: 9 (x, y) points, 18 finite numbers; `what` names them in the error. */
export function assertFaceKeypoints(what: string, keypoints: ArrayLike<number>): void {
  const points = Array.from(keypoints ?? []);
  if (points.length !== 18 || !points.every(Number.isFinite)) {
    throw new InvalidInputError(what, `must be 9 (x, y) points, 18 finite numbers, got ${points.length}`);
  }
}

/**
 * Places the animal-mode source crop without X-Pose (not available in this SDK), trying in order:
 * 1. `keypoints` (9 points, the official animal layout) → the official landmark crop;
 * 2. `box` → an upright crop around the box ({@link cropTransformFromBox});
 * 3. `sessions` → the human detector; if it finds a face, the crop of its 106 landmarks;
 * 4. otherwise the largest centred square.
 * Returns the transform and which method produced it, so the caller can report it.
 */
export async function locateAnimalFace(
  image: RgbImage,
  options: LocateAnimalFaceOptions = {},
): Promise<AnimalFaceLocation> {
  assertPixelImage('image', image);
  const crop = options.crop ?? {};
  if (options.keypoints !== undefined) {
    assertFaceKeypoints('options.keypoints', options.keypoints);
    return { method: 'keypoints', transform: estimateCropTransform(options.keypoints, crop) };
  }
  if (options.box !== undefined) return { method: 'box', transform: cropTransformFromBox(options.box, crop) };
  if (options.sessions) {
    try {
      const { landmarks106 } = await detectFace(image, options.sessions, options.detection);
      return { method: 'human-detector', transform: estimateCropTransform(landmarks106, crop) };
    } catch (error) {
      if (!NoFaceFoundError.isInstance(error)) throw error;
    }
  }
  return { method: 'center', transform: centerCropTransform(image.width, image.height, crop.dsize ?? 512) };
}
