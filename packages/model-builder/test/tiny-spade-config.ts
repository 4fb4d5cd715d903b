import {
  type SpadeGeneratorConfig,
  spadeGeneratorDefaultConfig,
} from '../src/architectures/liveportrait/spade-generator.js';

/** A SPADE generator small enough for a unit test: 8 × 8 × 8 in (what the tiny warping module gives), 64² out. */
export const tinySpadeConfig: SpadeGeneratorConfig = {
  ...spadeGeneratorDefaultConfig,
  blockExpansion: 4,
  maxFeatures: 8,
  numDownBlocks: 1,
  outChannels: 4,
  numMiddleBlocks: 1,
  spadeHidden: 8,
  spatialSize: 8,
};
