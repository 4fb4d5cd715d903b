export * from '../index.js';
export { type CaptureAudioOptions, type CapturedAudio, captureAudio } from './capture-audio.js';
export {
  type BrowserAudioInput,
  type BrowserGenerateOptions,
  type BrowserTalkingHead,
  createTalkingHead,
} from './create-talking-head.js';
export { type BrowserImageInput, decodeBrowserImage } from './decode-browser-image.js';
export { type CanvasSinkOptions, createCanvasSink } from './sinks/canvas-sink.js';
export { VideoEncodingError } from './sinks/video-encoding-error.js';
export {
  createWebCodecsVideoSink,
  type WebCodecsAudioCodec,
  type WebCodecsVideoCodec,
  type WebCodecsVideoSink,
  type WebCodecsVideoSinkOptions,
  type WebCodecsVideoSinkResult,
} from './sinks/webcodecs-video-sink.js';
