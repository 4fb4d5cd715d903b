export { OutputWriteError } from '@joyvasa/core';
export {
  type EnsureSyntheticBundleOptions,
  type EnsureSyntheticBundleResult,
  ensureSyntheticBundle,
} from '../synthetic/node/synthetic-bundle-cache.js';
export {
  formulaAudioEncoderStateDict,
  hubertConfigJson,
  type WriteFormulaCheckpointsOptions,
  writeFormulaCheckpoints,
} from '../synthetic/node/write-formula-checkpoints.js';
export {
  convertLocatorModels,
  hasHumanModels,
  humanModelsDirectory,
  humanModelsPackage,
  type LocatorModels,
  locatorModelFiles,
} from '../tfjs/node/locator-models.js';
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
