import {
  type FaceLocation,
  type FaceLocatorV1,
  InvalidInputError,
  NoFaceFoundError,
  type RgbImage,
} from '@joyvasa/core';
import type { LivePortraitModels } from '../bundle/load-live-portrait.js';
import { cropSource, cropTransformFromBox } from '../crop/crop-image.js';
import type { CropOptions } from '../crop/crop-transform.js';
import { createInsightFaceLocator } from '../detection/insightface-locator.js';
import { locateAnimalFace } from '../detection/locate-animal-face.js';
import { resizeImage } from '../image/resize-image.js';
import { animalBoxCropOptions } from '../locators/nanodet-animal-locator.js';
import type { CropMethod, PrepareSourceOptions } from './source-options.js';

/** Where the source crop lies and what is known of the face. */
export interface CropChoice {
  /** The 256x256 network input. */
  readonly input: RgbImage;
  /** Crop → image matrix, or null without a crop (no paste-back then). */
  readonly mC2o: Float64Array | null;
  /** The source's lip-open ratio for lip normalisation, or null when no locator measured it. */
  readonly lipRatio: number | null;
  readonly method: CropMethod;
  readonly faces: number;
  /** The locator that placed the crop and the crop square (centre, side in pixels, roll in radians). */
  readonly located?: LocatedCrop;
}

/** Which `FaceLocatorV1` placed a crop, and the square it cut. */
export interface LocatedCrop {
  readonly locator: string;
  readonly cropSquare: {
    readonly center: readonly [number, number];
    readonly size: number;
    readonly angle: number;
  };
}

function locatedCrop(
  locator: FaceLocatorV1,
  transform: { center: readonly [number, number]; size: number; angle: number },
): LocatedCrop {
  const { center, size, angle } = transform;
  return { locator: locator.name, cropSquare: { center, size, angle } };
}

/**
 * The one place that picks the face locator: the caller's, else InsightFace over the models' face
 * sessions, else the bundle's licence-clean default (MediaPipe), else none.
 */
export function pickFaceLocator(
  models: LivePortraitModels,
  options: Pick<PrepareSourceOptions, 'faceLocator'>,
): FaceLocatorV1 | null {
  if (options.faceLocator) return options.faceLocator;
  if (models.face) return createInsightFaceLocator(models.face);
  return models.faceLocator ?? null;
}

function cropOptions(options: PrepareSourceOptions): CropOptions {
  return {
    ...(options.cropScale !== undefined ? { scale: options.cropScale } : {}),
    ...(options.cropOffsetY !== undefined ? { vyRatio: options.cropOffsetY } : {}),
    ...(options.cropRotation !== undefined ? { rotate: options.cropRotation } : {}),
  };
}

async function locate(image: RgbImage, locator: FaceLocatorV1, options: PrepareSourceOptions) {
  return locator.locate(image, {
    ...(options.detectionThreshold !== undefined ? { threshold: options.detectionThreshold } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

const faceCount = (location: FaceLocation) => 1 + location.others.length;

async function chooseAnimalCrop(
  image: RgbImage,
  models: LivePortraitModels,
  options: PrepareSourceOptions,
): Promise<CropChoice> {
  const animalLocator = models.animalLocator;
  if (animalLocator && !options.faceKeypoints && !options.faceBox) {
    const location = await locate(image, animalLocator, options);
    if (location) {
      const crop = cropSource(image, cropTransformFromBox(location.face.box, animalBoxCropOptions));
      return {
        input: crop.input,
        mC2o: crop.transform.mC2o,
        lipRatio: null,
        method: 'detected-face',
        faces: faceCount(location),
        located: locatedCrop(animalLocator, crop.transform),
      };
    }
  }
  const location = await locateAnimalFace(image, {
    ...(options.faceKeypoints ? { keypoints: options.faceKeypoints } : {}),
    ...(options.faceBox ? { box: options.faceBox } : {}),
    ...(models.face ? { sessions: models.face } : {}),
  });
  const crop = cropSource(image, location.transform);
  const method = (
    {
      keypoints: 'face-keypoints',
      box: 'face-box',
      center: 'centered',
      'human-detector': 'detected-face',
    } as const
  )[location.method];
  return {
    input: crop.input,
    mC2o: crop.transform.mC2o,
    lipRatio: null,
    method,
    faces: method === 'detected-face' ? 1 : 0,
  };
}

/**
 * The source crop (spec §1.3 step 4). Without the crop the whole image is stretched to 256x256 and, as
 * the official `calc_lmk_from_cropped_image`, the face is still looked for, for lip normalisation only.
 * A caller's face box is cropped upright; the located face's landmarks are used for the lip ratio when a
 * face is found inside the box.
 */
export async function chooseCrop(
  image: RgbImage,
  models: LivePortraitModels,
  options: PrepareSourceOptions,
): Promise<CropChoice> {
  if (options.crop && models.mode === 'animal') return chooseAnimalCrop(image, models, options);
  const locator = models.mode === 'human' ? pickFaceLocator(models, options) : null;
  if (!options.crop) {
    const location = locator && options.normalizeLip ? await locate(image, locator, options) : null;
    return {
      input: resizeImage(image, 256, 256, 'bilinear'),
      mC2o: null,
      lipRatio: location?.face.openness?.lip ?? null,
      method: 'none',
      faces: location ? faceCount(location) : 0,
    };
  }
  if (options.faceBox) return chooseBoxCrop(image, locator, options);
  if (!locator) {
    throw new InvalidInputError(
      'models',
      'this bundle has no face detector (the InsightFace files were not converted); pass a faceLocator, options.faceBox or crop: false',
    );
  }
  const location = await locate(image, locator, options);
  if (!location) {
    const threshold = options.detectionThreshold;
    throw new NoFaceFoundError(
      `No face found in the ${image.width}x${image.height} image (${locator.name}` +
        `${threshold !== undefined ? `, threshold ${threshold}` : ''}). Use a photo with a clearly visible, ` +
        'roughly frontal face, lower options.detectionThreshold, or pass options.faceBox.',
    );
  }
  const crop = cropSource(image, location.face.cropLandmarks, cropOptions(options));
  return {
    input: crop.input,
    mC2o: crop.transform.mC2o,
    lipRatio: location.face.openness?.lip ?? null,
    method: 'detected-face',
    faces: faceCount(location),
    located: locatedCrop(locator, crop.transform),
  };
}

async function chooseBoxCrop(image: RgbImage, locator: FaceLocatorV1 | null, options: PrepareSourceOptions) {
  const box = options.faceBox!;
  const [x1, y1, x2, y2] = box;
  if (x2 <= 0 || y2 <= 0 || x1 >= image.width || y1 >= image.height) {
    throw new InvalidInputError(
      'options.faceBox',
      `[${box.join(', ')}] lies outside the ${image.width}x${image.height} image`,
    );
  }
  const crop = cropSource(image, cropTransformFromBox(box, cropOptions(options)));
  // Lip normalisation needs the face's landmarks: take the located face whose centre lies in the box.
  const location = locator && options.normalizeLip ? await locate(image, locator, options) : null;
  const face = location && [location.face].find((f) => insideBox(f.box, box));
  return {
    input: crop.input,
    mC2o: crop.transform.mC2o,
    lipRatio: face?.openness?.lip ?? null,
    method: 'face-box' as const,
    faces: 0,
  };
}

function insideBox(face: readonly number[], box: readonly number[]): boolean {
  const cx = (face[0]! + face[2]!) / 2;
  const cy = (face[1]! + face[3]!) / 2;
  return cx >= box[0]! && cx <= box[2]! && cy >= box[1]! && cy <= box[3]!;
}
