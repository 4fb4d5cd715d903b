export {
  type DetectFaceOptions,
  type DetectFaceResult,
  detectFace,
  detectFaces,
  type FaceSessions,
} from './detect-face.js';
export { boxArea, type FaceDetection, sortLargestFirst } from './face-detection.js';
export { createInsightFaceLocator, opennessFromLandmarks203 } from './insightface-locator.js';
export {
  decodeLandmark106,
  detectLandmarks106,
  type Landmark106Input,
  landmark106InputSize,
  prepareLandmark106Input,
} from './landmark-106.js';
export {
  decodeLandmark203,
  detectLandmarks203,
  type Landmark203Input,
  prepareLandmark203Input,
} from './landmark-203.js';
export {
  type AnimalCropMethod,
  type AnimalFaceLocation,
  assertFaceKeypoints,
  type LocateAnimalFaceOptions,
  locateAnimalFace,
} from './locate-animal-face.js';
export { nonMaxSuppression } from './non-max-suppression.js';
export {
  decodeScrfdOutputs,
  prepareScrfdInput,
  type ScrfdDecodeOptions,
  type ScrfdInput,
  scrfdDefaultThreshold,
} from './scrfd.js';
