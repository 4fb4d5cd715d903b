export {
  applyCrop,
  assertFaceBox,
  type CropResult,
  centerCropTransform,
  cropImage,
  cropSource,
  cropTransformFromBox,
  type FaceBox,
  type SourceCrop,
  type SourceCropOptions,
} from './crop-image.js';
export {
  type CropOptions,
  type CropTransform,
  cropTransformFromRect,
  estimateCropTransform,
  landmarkCropOptions,
} from './crop-transform.js';
export { type LandmarkAnchors, landmarkAnchors, landmarkLayouts } from './landmark-anchors.js';
