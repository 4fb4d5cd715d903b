export {
  type ChooseFastestVariantOptions,
  type ChosenVariant,
  chooseFastestVariant,
  createMemoryVariantChoiceCache,
  outputDifference,
  type VariantCandidate,
  type VariantChoiceCache,
  type VariantTimingKey,
  variantTimingKey,
} from './choose-fastest-variant.js';
export { padBatch, takeFrames } from './fixed-batch.js';
export {
  createLivePortraitRenderer,
  isLivePortraitRenderer,
  type LivePortraitRenderer,
  type LivePortraitRenderSessions,
  splitImages,
} from './live-portrait-renderer.js';
export {
  type LivePortraitModels,
  type LoadLivePortraitOptions,
  loadLivePortrait,
} from './load-live-portrait.js';
