export { buildAudioProjection } from './build-audio-projection.js';
export {
  type BuildDenoiserOptions,
  buildDenoiser,
  denoiserGraphNames,
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
  type AudioPadMode,
  countDenoiserLayers,
  type MotionGeneratorArgs,
  type MotionGeneratorConfig,
  motionGeneratorConfig,
  motionGeneratorConfigFromArgs,
  positionalTableLength,
  releasedMotionGeneratorConfig,
  toDenoiserConfig,
} from './motion-generator-config.js';
export { type MotionStartTensors, readMotionStartTensors } from './motion-start-features.js';
export { sinusoidRows } from './sinusoid-table.js';
