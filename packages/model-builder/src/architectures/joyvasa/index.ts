export { buildAudioProjection } from './build-audio-projection.js';
export {
  type BuildDenoiserOptions,
  buildDenoiser,
  motionGeneratorComputedKeys,
  type PositionalEncodingMode,
} from './build-denoiser.js';
export {
  alignedCrossAttention,
  type DecoderLayerSizes,
  decoderLayer,
  selfAttention,
} from './decoder-layer.js';
export {
  countDenoiserLayers,
  type MotionGeneratorArgs,
  motionGeneratorConfig,
  motionGeneratorConfigFromArgs,
  positionalTableLength,
  releasedMotionGeneratorConfig,
} from './motion-generator-config.js';
export { type MotionStartTensors, readMotionStartTensors } from './motion-start-features.js';
export { sinusoidRows } from './sinusoid-table.js';
