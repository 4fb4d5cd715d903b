export type { AudioFileDecodeOptions, AudioFileDecoderV1, PcmAudio } from './audio-file-decoder.js';
export { AudioStreamError, type AudioStreamFailure } from './audio-stream-error.js';
export {
  type AudioInput,
  type DecodeAudioOptions,
  type DecodedAudio,
  decodeAudio,
  type PcmInput,
  sampleRateRange,
} from './decode-audio.js';
export { type DecodedWav, decodeWav, isWav } from './decode-wav.js';
export { type EncodeWavOptions, encodeWav, type WavSampleFormat } from './encode-wav.js';
export { type LoadAudioEncoderOptions, loadAudioEncoder } from './load-audio-encoder.js';
export { mixToMono } from './mix-to-mono.js';
export { createOnnxAudioEncoder, type OnnxAudioEncoderOptions } from './onnx-audio-encoder.js';
export {
  type AudioStreamInput,
  type AudioStreamPiece,
  isAudioStreamInput,
  type PcmChunk,
  type PcmSamples,
  type ReadAudioStreamOptions,
  readAudioStream,
} from './read-audio-stream.js';
export { type ResampleOptions, resample } from './resample.js';
export { type AudioFormatName, sniffAudioFormat } from './sniff-audio-format.js';
export { createStreamResampler, type StreamResampler } from './stream-resampler.js';
export { version } from './version.js';
export { UnsupportedWavCodecError, type WavFormat } from './wav-format.js';
export { createWebAudioDecoder, type WebAudioDecoderOptions } from './web-audio-decoder.js';
