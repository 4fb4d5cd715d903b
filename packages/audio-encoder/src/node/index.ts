export { decodeAudio, type NodeDecodeAudioOptions } from './decode-audio.js';
export {
  createFfmpegAudioDecoder,
  type FfmpegAudioDecoder,
  type FfmpegAudioDecoderOptions,
  ffmpegTimeLimitMs,
} from './ffmpeg-audio-decoder.js';
