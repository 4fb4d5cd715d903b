import type { WarpingModuleConfig } from '../src/architectures/liveportrait/warping-module.js';

/** A warping module small enough to run in a unit test: 3 keypoints, a 4×3×8×8 feature volume. */
export const tinyWarpingConfig: WarpingModuleConfig = {
  numKp: 3,
  blockExpansion: 4,
  maxFeatures: 12,
  numDownBlocks: 1,
  reshapeChannel: 4,
  denseMotion: { blockExpansion: 4, maxFeatures: 16, numBlocks: 2, reshapeDepth: 3, compress: 2 },
  spatialSize: 8,
  gridSample: 'native',
};
