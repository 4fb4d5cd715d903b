/**
 * `@joyvasa/model-builder/node`: converting and fetching the official weights and writing bundles. Formula
 * checkpoints and the synthetic bundle cache are `./synthetic/node`; the locator models `./tfjs/node`.
 */
export { OutputWriteError } from '@joyvasa/core';
export {
  type AudioEncoderConversionReport,
  type ConvertHuggingFaceAudioEncoderOptions,
  convertHuggingFaceAudioEncoder,
  isHuggingFaceFolder,
} from './convert-hugging-face-audio-encoder.js';
export {
  type ConversionInput,
  type ConversionReport,
  type ConvertOfficialWeightsOptions,
  convertOfficialWeights,
} from './convert-official-weights.js';
export {
  type FetchedFile,
  type FetchOfficialWeightsOptions,
  fetchOfficialWeights,
} from './fetch-official-weights.js';
export { isOfficialLayout } from './official-files.js';
export { writeBundle } from './write-bundle.js';
