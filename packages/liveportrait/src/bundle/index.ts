export {
  type ChooseFastestVariantOptions,
  type ChosenVariant,
  chooseFastestVariant,
  createMemoryVariantChoiceCache,
  outputDifference,
  outputDifferences,
  rendererFloat16Tolerance,
  type VariantCandidate,
  type VariantChoiceCache,
  type VariantTimingKey,
  type VariantTolerance,
  variantTimingKey,
} from './choose-fastest-variant.js';
export { padBatch, takeFrames } from './fixed-batch.js';
export {
  createLivePortraitRenderer,
  isLivePortraitRenderer,
  type LivePortraitRenderer,
  type LivePortraitRendererOptions,
  type LivePortraitRenderSessions,
  splitImages,
} from './live-portrait-renderer.js';
export {
  type LivePortraitModels,
  type LoadLivePortraitOptions,
  loadLivePortrait,
  type RenderGraphs,
} from './load-live-portrait.js';
export {
  openRendererForm,
  type RendererChoiceOptions,
  rendererTimingFeeds,
  timedRendererDevices,
} from './open-renderer-form.js';
