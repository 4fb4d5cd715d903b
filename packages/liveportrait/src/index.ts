// The public surface, listed in README.md; the building blocks are behind `./internal`.
export {
  createMemoryVariantChoiceCache,
  type VariantChoiceCache,
} from './bundle/choose-fastest-variant.js';
export {
  createLivePortraitRenderer,
  type LivePortraitRenderer,
  type LivePortraitRendererOptions,
  type LivePortraitRenderSessions,
} from './bundle/live-portrait-renderer.js';
export {
  type LivePortraitModels,
  type LoadLivePortraitOptions,
  loadLivePortrait,
  type RenderGraphs,
} from './bundle/load-live-portrait.js';
export type { RendererChoiceOptions } from './bundle/open-renderer-form.js';
export type { FaceBox } from './crop/crop-image.js';
export type { FaceSessions } from './detection/detect-face.js';
export { createInsightFaceLocator } from './detection/insightface-locator.js';
export { decodeImage } from './image/decode-image.js';
export { imageBitmapToRgb } from './image/image-bitmap-to-rgb.js';
export { imageToTensor, tensorToImage } from './image/image-tensor.js';
export { createMediaPipeFaceLocator, type MediaPipeFaceSessions } from './locators/mediapipe-face-locator.js';
export { createNanoDetAnimalLocator } from './locators/nanodet-animal-locator.js';
export type { AnimationMode, AnimationRegion } from './motion/combine-motion.js';
export type { DrivingOption, KeypointDriver } from './motion/keypoint-driver.js';
export { loadMaskTemplate } from './paste-back/mask-template.js';
export { type PasteBackMask, pasteBack, preparePasteBackMask } from './paste-back/paste-back.js';
export { assertSourceOptions } from './source/check-source-options.js';
export { type PreparedSource, prepareSource } from './source/prepare-source.js';
export type { CropMethod, PrepareSourceOptions } from './source/source-options.js';
export { version } from './version.js';
