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
