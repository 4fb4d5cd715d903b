export {
  type AnimationMode,
  type AnimationRegion,
  animationRegions,
  assertAnimationRegion,
  assertMotionFrame,
  type CombineMotionOptions,
  type CombineScratch,
  combineMotion,
  createCombineScratch,
  lipKeypoints,
} from './combine-motion.js';
export { convexHullMaxPoints, convexHullVolume, motionMultiplier } from './convex-hull-volume.js';
export { headPoseBins, headPoseToDegrees } from './head-pose.js';
export {
  assertDrivingMultiplier,
  assertDrivingOption,
  createKeypointDriver,
  type DrivingOption,
  drivingOptions,
  type KeypointDriver,
  type KeypointDriverOptions,
  maxDrivingMultiplier,
} from './keypoint-driver.js';
export { type KeypointInfo, keypointCount, parseKeypointInfo } from './keypoint-info.js';
export { createMlpRunner, type MlpRunner, runMlp } from './mlp-runner.js';
export {
  computeLipDelta,
  eyeCloseRatios,
  eyeRetargetingInput,
  lipCloseRatio,
  lipDeltaFromRatio,
  lipNormalizeThreshold,
  lipRetargetingInput,
} from './retargeting-ratios.js';
export { type RotatedMotionFrame, rotateMotionFrame } from './rotated-motion-frame.js';
export { rotationMatrix } from './rotation-matrix.js';
export { applyStitchingDelta, stitchingInput, stitchKeypointBatch, stitchKeypoints } from './stitching.js';
export { applyKeypointTransform, transformKeypoint } from './transform-keypoint.js';
