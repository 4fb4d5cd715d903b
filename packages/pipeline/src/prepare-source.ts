import {
  createTensor,
  type FaceLocation,
  type Float32Tensor,
  InvalidInputError,
  type RgbImage,
  type RunOptions,
  throwIfAborted,
} from '@joyvasa/core';
import {
  animalBoxCropOptions,
  computeLipDelta,
  createKeypointDriver,
  createSessionPasteBack,
  cropSource,
  cropTransformFromBox,
  detectFace,
  imageSizeLimits,
  imageToTensor,
  type KeypointDriver,
  type LivePortraitModels,
  loadMaskTemplate,
  locateAnimalFace,
  locateFaceOrThrow,
  type PasteBackMask,
  parseKeypointInfo,
  pasteBack,
  preparePasteBackMask,
  resizeImage,
  resizeToLimit,
  tensorToImage,
  transformKeypoint,
} from '@joyvasa/liveportrait';
import type { SourceReadyEvent } from './talking-head-events.js';
import type { ResolvedAnimateOptions } from './talking-head-options.js';

/** Everything the frame loop needs about the source image. */
export interface PreparedSource {
  /** The size-limited image frames are pasted into. */
  readonly image: RgbImage;
  readonly features: Float32Tensor;
  readonly sourceKeypoints: Float32Tensor;
  readonly driver: KeypointDriver;
  /** Turns the renderer's output into the video frame: paste-back into the image, or the 512x512 crop. */
  readonly compose: (rendered: Float32Tensor, options?: RunOptions) => Promise<RgbImage>;
  readonly event: SourceReadyEvent;
}

interface CropChoice {
  readonly input: RgbImage;
  readonly mC2o: Float64Array | null;
  readonly landmarks203: Float32Array | null;
  readonly method: SourceReadyEvent['cropMethod'];
  readonly faces: number;
  readonly located?: Pick<SourceReadyEvent, 'locator' | 'cropSquare'>;
  /** The source's lip-open ratio from a locator's openness, where there are no 203 landmarks. */
  readonly lipRatio?: number;
}

/** The crop of a face a `FaceLocatorV1` found, placed by its points or by a transform made from its box. */
function locatedCrop(
  image: RgbImage,
  placement: Parameters<typeof cropSource>[1],
  found: FaceLocation,
  locator: string,
): CropChoice {
  const crop = cropSource(image, placement);
  const { center, size, angle } = crop.transform;
  return {
    input: crop.input,
    mC2o: crop.transform.mC2o,
    landmarks203: null,
    method: 'detected-face',
    faces: 1 + found.others.length,
    located: { locator, cropSquare: { center, size, angle } },
    ...(found.face.openness ? { lipRatio: found.face.openness.lip } : {}),
  };
}

async function chooseCrop(
  image: RgbImage,
  models: LivePortraitModels,
  options: ResolvedAnimateOptions,
): Promise<CropChoice> {
  if (!options.crop) {
    // The official CLI's way: the whole image stretched to the network input.
    return {
      input: resizeImage(image, 256, 256, 'bilinear'),
      mC2o: null,
      landmarks203: null,
      method: 'none',
      faces: 0,
    };
  }
  if (models.mode === 'animal' && !options.faceKeypoints && !options.faceBox && models.animalLocator) {
    const found = await models.animalLocator.locate(image, options.signal ? { signal: options.signal } : {});
    if (found) {
      const transform = cropTransformFromBox(found.face.box, animalBoxCropOptions);
      return locatedCrop(image, transform, found, models.animalLocator.name);
    }
  }
  if (models.mode === 'animal') {
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
      landmarks203: null,
      method,
      faces: method === 'detected-face' ? 1 : 0,
    };
  }
  if (options.faceBox) {
    const [x1, y1, x2, y2] = options.faceBox;
    if (x2 <= 0 || y2 <= 0 || x1 >= image.width || y1 >= image.height) {
      throw new InvalidInputError(
        'options.faceBox',
        `[${options.faceBox.join(', ')}] lies outside the ${image.width}x${image.height} image`,
      );
    }
    const crop = cropSource(image, cropTransformFromBox(options.faceBox));
    return { input: crop.input, mC2o: crop.transform.mC2o, landmarks203: null, method: 'face-box', faces: 0 };
  }
  if (!models.face && models.faceLocator) {
    const found = await locateFaceOrThrow(
      models.faceLocator,
      image,
      options.signal ? { signal: options.signal } : {},
    );
    return locatedCrop(image, found.face.cropLandmarks, found, models.faceLocator.name);
  }
  if (!models.face) {
    throw new InvalidInputError(
      'models',
      'this bundle has no face detector (the InsightFace files were not converted); pass options.faceBox or crop: false',
    );
  }
  const detected = await detectFace(image, models.face);
  const crop = cropSource(image, detected.landmarks106);
  return {
    input: crop.input,
    mC2o: crop.transform.mC2o,
    landmarks203: detected.landmarks203,
    method: 'detected-face',
    faces: detected.faces.length,
  };
}

function composer(
  image: RgbImage,
  mask: PasteBackMask | null,
  models: LivePortraitModels,
): PreparedSource['compose'] {
  if (!mask) return async (rendered) => tensorToImage(rendered);
  if (models.pasteBack) return createSessionPasteBack(models.pasteBack, image, mask);
  return async (rendered) => pasteBack(tensorToImage(rendered), image, mask);
}

/**
 * The official source preparation (spec §1.3 steps 2, 4–6): size limit, crop, appearance features and
 * keypoints, lip normalisation, the per-frame keypoint driver, and the paste-back mask.
 */
export async function prepareSource(
  original: RgbImage,
  models: LivePortraitModels,
  options: ResolvedAnimateOptions,
): Promise<PreparedSource> {
  imageSizeLimits.check(original.width, original.height);
  const image = resizeToLimit(original);
  // Boxes and keypoints are given in the caller's pixels; the official size limit may have shrunk the image.
  const factor = image.width / original.width;
  const scaled: ResolvedAnimateOptions = {
    ...options,
    ...(options.faceBox
      ? { faceBox: options.faceBox.map((v) => v * factor) as unknown as typeof options.faceBox }
      : {}),
    ...(options.faceKeypoints ? { faceKeypoints: Array.from(options.faceKeypoints, (v) => v * factor) } : {}),
  };
  const crop = await chooseCrop(image, models, scaled);
  throwIfAborted(options.signal);
  const img = imageToTensor(crop.input);
  const run = { ...(options.signal ? { signal: options.signal } : {}) };
  const { feature_3d: features } = await models.appearance.run({ img }, run);
  const info = parseKeypointInfo(await models.motion.run({ img }, run));
  const sourceKeypoints = transformKeypoint(info);
  const lipSource = crop.landmarks203 ?? crop.lipRatio;
  const lipDelta =
    models.mode === 'human' && options.normalizeLip && options.relativeMotion && lipSource !== undefined
      ? await computeLipDelta(sourceKeypoints, lipSource, models.lip, run)
      : null;
  const driver = createKeypointDriver(info, {
    mode: models.mode,
    ...(models.mode === 'human' ? { region: options.region } : {}),
    relativeMotion: options.relativeMotion,
    drivingMultiplier: options.drivingMultiplier,
    lipDelta,
    ...(options.stitching ? { stitching: models.stitching } : {}),
  });
  // As the official pipeline: pasting back needs the crop and stitching (else the seams would show).
  const mask =
    options.pasteBack && options.stitching && crop.mC2o
      ? preparePasteBackMask(await loadMaskTemplate(), crop.mC2o, image.width, image.height)
      : null;
  return {
    image,
    compose: composer(image, mask, models),
    features: features as Float32Tensor,
    sourceKeypoints: createTensor('float32', [1, sourceKeypoints.length / 3, 3], sourceKeypoints),
    driver,
    event: {
      type: 'source-ready',
      width: image.width,
      height: image.height,
      cropMethod: crop.method,
      facesFound: crop.faces,
      ...crop.located,
    },
  };
}
