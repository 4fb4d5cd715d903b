import { InvalidInputError } from '@joyvasa/core';
import { assertFaceBox } from '../crop/crop-image.js';
import { assertFaceKeypoints } from '../detection/locate-animal-face.js';
import { assertAnimationRegion } from '../motion/combine-motion.js';
import { assertDrivingMultiplier, assertDrivingOption } from '../motion/keypoint-driver.js';
import type { PrepareSourceOptions } from './source-options.js';

function inRange(name: string, value: number | undefined, low: number, high: number, whole = false) {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < low || value > high || (whole && !Number.isInteger(value))) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new InvalidInputError(`options.${name}`, `must be ${kind} from ${low} to ${high}, got ${value}`);
  }
}

/**
 * The one rule for each option of {@link prepareSource} that is set: crop, detector and source-size ranges,
 * the face box and keypoints, the animation region and the driving options. `prepareSource` applies it, and
 * so does the pipeline before any work starts. Throws {@link InvalidInputError} naming `options.<field>`.
 */
export function assertSourceOptions(options: Partial<PrepareSourceOptions>): void {
  inRange('cropScale', options.cropScale, 0.5, 10);
  inRange('cropOffsetY', options.cropOffsetY, -1, 1);
  inRange('detectionThreshold', options.detectionThreshold, 0, 1);
  inRange('sourceMaxDim', options.sourceMaxDim, 0, 16384, true);
  inRange('sourceDivision', options.sourceDivision, 1, 64, true);
  if (options.cropRotation !== undefined && typeof options.cropRotation !== 'boolean') {
    throw new InvalidInputError(
      'options.cropRotation',
      `must be true or false, got ${String(options.cropRotation)}`,
    );
  }
  if (options.drivingOption !== undefined)
    assertDrivingOption('options.drivingOption', options.drivingOption);
  if (options.drivingMultiplier !== undefined) {
    assertDrivingMultiplier('options.drivingMultiplier', options.drivingMultiplier);
  }
  if (options.region !== undefined) assertAnimationRegion('options.region', options.region);
  if (options.faceBox) assertFaceBox('options.faceBox', options.faceBox);
  if (options.faceKeypoints) assertFaceKeypoints('options.faceKeypoints', options.faceKeypoints);
}
