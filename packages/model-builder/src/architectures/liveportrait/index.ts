export {
  type AppearanceFeatureExtractorConfig,
  appearanceFeatureExtractorDefaultConfig,
  appearanceFeatureExtractorStateDict,
  buildAppearanceFeatureExtractor,
} from './appearance-feature-extractor.js';
export { makeCoordinateGrid } from './coordinate-grid.js';
export { type GridSample3dShape, type GridSampleMode, gridSample3d } from './grid-sample-3d.js';
export {
  buildMotionExtractor,
  type MotionExtractorConfig,
  motionExtractorDefaultConfig,
  motionExtractorStateDict,
} from './motion-extractor.js';
export { buildPasteBack } from './paste-back-graph.js';
export { buildRendererGraph } from './renderer-graph.js';
export { buildRetargetingMlp, type RetargetingMlpConfig, retargetingMlpConfigs } from './retargeting-mlp.js';
export {
  buildSpadeGenerator,
  type SpadeGeneratorConfig,
  spadeGeneratorDefaultConfig,
  spadeGeneratorInputChannels,
  spadeGeneratorStateDict,
} from './spade-generator.js';
export type { SpadeVariant } from './spade-resnet-block.js';
export { inferenceEntries, inferenceIgnoredKeys, type StateDictEntry } from './state-dict-entries.js';
export {
  buildWarpingModule,
  type WarpingModuleConfig,
  type WarpingVariant,
  warpingModuleDefaultConfig,
  warpingModuleStateDict,
} from './warping-module.js';
