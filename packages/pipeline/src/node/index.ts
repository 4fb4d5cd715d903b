export * from '../index.js';
export {
  createTalkingHead,
  type NodeAudioInput,
  type NodeGenerateOptions,
  type NodeImageInput,
  type NodeTalkingHead,
} from './create-talking-head.js';
export { type EncodePngOptions, encodePng } from './encode-png.js';
export { FfmpegError } from './ffmpeg-error.js';
export {
  createFfmpegVideoSink,
  type FfmpegVideoSink,
  type FfmpegVideoSinkOptions,
  type FfmpegVideoSinkResult,
  type X264Preset,
} from './ffmpeg-video-sink.js';
export { type LiveFfmpegSink, type LiveFfmpegSinkOptions, startLiveFfmpegSink } from './live-ffmpeg-sink.js';
export { createPngSequenceSink, type PngSequenceSinkOptions } from './png-sequence-sink.js';
export { probeAudioDuration } from './probe-audio-duration.js';
export { type MediaProbe, type ProbedStream, type ProbeMediaOptions, probeMedia } from './probe-media.js';
