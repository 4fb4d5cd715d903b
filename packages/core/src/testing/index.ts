export {
  type CheckAudioEncoderOptions,
  type ConformanceFailure,
  type ConformanceReport,
  checkAudioEncoder,
} from './check-audio-encoder.js';
export {
  type CheckedErrorClass,
  checkErrorClasses,
  coreErrorClassCases,
  type ErrorClassCase,
} from './check-error-classes.js';
export { sampleManifest } from './sample-manifest.js';
