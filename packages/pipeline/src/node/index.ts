export * from '../index.js';
export {
  createTalkingHead,
  type NodeAudioInput,
  type NodeGenerateOptions,
  type NodeImageInput,
  type NodeTalkingHead,
} from './create-talking-head.js';
export { FfmpegError } from './ffmpeg/ffmpeg-error.js';
export { probeAudioDuration } from './ffmpeg/probe-audio-duration.js';
export {
  type MediaProbe,
  type ProbedStream,
  type ProbeMediaOptions,
  probeMedia,
} from './ffmpeg/probe-media.js';
export { type EncodePngOptions, encodePng } from './sinks/encode-png.js';
export {
  createFfmpegVideoSink,
  type FfmpegVideoSink,
  type FfmpegVideoSinkOptions,
  type FfmpegVideoSinkResult,
  type X264Preset,
} from './sinks/ffmpeg-video-sink.js';
export {
  createLiveFfmpegSink,
  type LiveFfmpegSink,
  type LiveFfmpegSinkOptions,
  type LiveFfmpegSinkResult,
} from './sinks/live-ffmpeg-sink.js';
export { createPngSequenceSink, type PngSequenceSinkOptions } from './sinks/png-sequence-sink.js';
