export {
  chineseHubertBaseConfig,
  type HubertConfig,
  hubertConfigFromJson,
  hubertFrameCount,
  validateHubertConfig,
  wav2vec2Base960hConfig,
} from './hubert-config.js';
export { buildHubertEncoder, type HubertDebugOutput, type HubertEncoderOptions } from './hubert-encoder.js';
export { hubertFeatureExtractor, hubertFeatureProjection } from './hubert-feature-encoder.js';
export { hubertTransformer, positionalConvWeight } from './hubert-transformer.js';
export { type JoyvasaAudioPadding, joyvasaAudioPadding, joyvasaPadAudio } from './joyvasa-pad-audio.js';
