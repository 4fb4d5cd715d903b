export {
  type BlazeFaceDetection,
  type BlazeFaceOptions,
  blazeFaceInputSize,
  decodeBlazeFace,
  detectBlazeFaces,
} from './blaze-face.js';
export { type FaceMeshResult, faceMeshInputSize, pointsBox, roiFromMesh, runFaceMesh } from './face-mesh.js';
export {
  faceMeshCropLandmarks,
  faceMeshOpenness,
  faceMeshOpennessPoints,
  faceMeshTo68,
} from './face-mesh-points.js';
export { locateFaceOrThrow } from './locate-face-or-throw.js';
export {
  createMediaPipeFaceLocator,
  type MediaPipeFaceSessions,
  mediaPipeFaceThreshold,
  roiFromDetection,
} from './mediapipe-face-locator.js';
export {
  decodeNanoDet,
  detectNanoDetAnimals,
  type NanoDetDetection,
  type NanoDetOptions,
  nanoDetAnimalClasses,
  nanoDetInputSize,
} from './nano-det.js';
export { animalBoxCropOptions, animalHeadBox, createNanoDetAnimalLocator } from './nanodet-animal-locator.js';
export type { Roi } from './roi-input.js';
