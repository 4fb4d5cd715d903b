export {
  type CheckAudioEncoderOptions,
  type ConformanceFailure,
  type ConformanceReport,
  checkAudioEncoder,
} from './check-audio-encoder.js';
export { sampleManifest } from './sample-manifest.js';
