import {
  createTensor,
  type Float32Tensor,
  graphIo,
  type MotionFrame,
  type RgbImage,
  type RunOptions,
  throwIfAborted,
} from '@joyvasa/core';
import type { LivePortraitModels } from '../bundle/load-live-portrait.js';
import { imageSizeLimits } from '../image/image-size-limits.js';
import { imageToTensor } from '../image/image-tensor.js';
import { resizeToLimit } from '../image/resize-to-limit.js';
import { createKeypointDriver, type KeypointDriver } from '../motion/keypoint-driver.js';
import { parseKeypointInfo } from '../motion/keypoint-info.js';
import { lipDeltaFromRatio } from '../motion/retargeting-ratios.js';
import { transformKeypoint } from '../motion/transform-keypoint.js';
import { loadMaskTemplate } from '../paste-back/mask-template.js';
import { preparePasteBackMask } from '../paste-back/paste-back.js';
import { createSessionPasteBack } from '../paste-back/paste-back-session.js';
import { assertSourceOptions } from './check-source-options.js';
import { chooseCrop, type LocatedCrop } from './choose-crop.js';
import { createSourceFrames } from './source-frames.js';
import type { CropMethod, PrepareSourceOptions } from './source-options.js';

/** Everything the frame loop needs about the source image. */
export interface PreparedSource {
  /** The size-limited image frames are pasted into. */
  readonly image: RgbImage;
  /** F's appearance features of the crop, `[1, 32, 16, 64, 64]`. */
  readonly features: Float32Tensor;
  /** `x_s`, `[1, 21, 3]`: the warping module's `kp_source`. */
  readonly sourceKeypoints: Float32Tensor;
  /** Generated motion → driving keypoints, frame after frame (or a batch at a time). */
  readonly driver: KeypointDriver;
  /**
   * Renders N frames of generated motion into N finished video frames, in order, in one pass: the driver and
   * stitching for the N frames as one batch, the renderer once (W+G as one graph where the bundle has it;
   * the feature volume handed to the device once per source), and paste-back of the batch (on the device
   * on GPUs), the frames leaving it once as 8-bit RGB. Frames continue the sequence of earlier calls (the
   * first frame ever rendered is frame 0). Equal to one frame at a time, to float tolerance.
   */
  renderFrames(frames: readonly MotionFrame[], options?: RunOptions): Promise<RgbImage[]>;
  /** Turns one renderer output `[1, 3, 512, 512]` into the video frame: paste-back, or the 512x512 crop. */
  readonly compose: (rendered: Float32Tensor, options?: RunOptions) => Promise<RgbImage>;
  /** Frees what the source holds on the device (its feature volume, the paste-back inputs). */
  dispose(): Promise<void>;
  /** How the crop was placed. */
  readonly cropMethod: CropMethod;
  /** Faces the locator found (the largest is used). */
  readonly facesFound: number;
  /** The lip-normalisation offsets added to every frame, or null when it does not apply. */
  readonly lipDelta: Float32Array | null;
  /** The locator that placed the crop and the square it cut, when a `FaceLocatorV1` did. */
  readonly located?: LocatedCrop;
}

/** The paste-back mask, and the paste-back graph's runner where the models have the graph (GPUs). */
async function preparePasteBack(
  image: RgbImage,
  mC2o: ArrayLike<number> | null | undefined,
  models: LivePortraitModels,
  options: PrepareSourceOptions,
) {
  // As the official pipeline: pasting back needs the crop and stitching (else the seams would show).
  const mask =
    options.pasteBack && options.stitching && mC2o
      ? preparePasteBackMask(await loadMaskTemplate(), mC2o, image.width, image.height)
      : null;
  const sessionPasteBack =
    mask && models.pasteBack ? await createSessionPasteBack(models.pasteBack, image, mask) : undefined;
  return { mask, sessionPasteBack };
}

/** Boxes and keypoints come in the caller's pixels; the official size limit may have shrunk the image. */
function scaleToLimit(options: PrepareSourceOptions, factor: number): PrepareSourceOptions {
  if (factor === 1) return options;
  return {
    ...options,
    ...(options.faceBox
      ? { faceBox: options.faceBox.map((v) => v * factor) as unknown as typeof options.faceBox }
      : {}),
    ...(options.faceKeypoints ? { faceKeypoints: Array.from(options.faceKeypoints, (v) => v * factor) } : {}),
  };
}

/**
 * The official source preparation (spec §1.3 steps 2, 4–6): size limit, crop (the face located by the
 * caller's `faceLocator` or InsightFace), appearance features and keypoints, lip normalisation, the
 * per-frame keypoint driver, and the paste-back mask.
 */
export async function prepareSource(
  original: RgbImage,
  models: LivePortraitModels,
  options: PrepareSourceOptions,
): Promise<PreparedSource> {
  assertSourceOptions(options);
  imageSizeLimits.check(original.width, original.height);
  const image = resizeToLimit(original, {
    ...(options.sourceMaxDim !== undefined ? { maxDim: options.sourceMaxDim } : {}),
    ...(options.sourceDivision !== undefined ? { division: options.sourceDivision } : {}),
  });
  const crop = await chooseCrop(image, models, scaleToLimit(options, image.width / original.width));
  throwIfAborted(options.signal);
  const input = imageToTensor(crop.input);
  const run = options.signal ? { signal: options.signal } : {};
  const { appearanceFeatureExtractor: appearance, motionExtractor: motion } = graphIo;
  const outputs = await models.appearance.run({ [appearance.inputs.image]: input }, run);
  const features = outputs[appearance.outputs.features];
  const info = parseKeypointInfo(await models.motion.run({ [motion.inputs.image]: input }, run));
  const sourceKeypoints = transformKeypoint(info);
  const lipDelta =
    models.mode === 'human' && options.normalizeLip && options.relativeMotion && crop.lipRatio !== null
      ? await lipDeltaFromRatio(sourceKeypoints, crop.lipRatio, models.lip, run)
      : null;
  const driver = createKeypointDriver(info, {
    mode: models.mode,
    ...(models.mode === 'human' ? { region: options.region } : {}),
    relativeMotion: options.relativeMotion,
    drivingOption: options.drivingOption,
    drivingMultiplier: options.drivingMultiplier,
    lipDelta,
    ...(options.stitching ? { stitching: models.stitching } : {}),
  });
  const { mask, sessionPasteBack } = await preparePasteBack(image, crop.mC2o, models, options);
  const frames = createSourceFrames({
    renderer: models.renderer,
    driver,
    features: features as Float32Tensor,
    image,
    mask,
    ...(sessionPasteBack ? { sessionPasteBack: sessionPasteBack.paste } : {}),
    ...(sessionPasteBack?.pasteOnDevice ? { devicePasteBack: sessionPasteBack.pasteOnDevice } : {}),
  });
  return {
    image,
    renderFrames: frames.render,
    compose: async (rendered, composeOptions) => (await frames.compose(rendered, composeOptions))[0]!,
    async dispose() {
      await Promise.all([frames.dispose(), sessionPasteBack?.dispose()]);
    },
    features: features as Float32Tensor,
    sourceKeypoints: createTensor('float32', [1, sourceKeypoints.length / 3, 3], sourceKeypoints),
    driver,
    cropMethod: crop.method,
    facesFound: crop.faces,
    lipDelta,
    ...(crop.located ? { located: crop.located } : {}),
  };
}
