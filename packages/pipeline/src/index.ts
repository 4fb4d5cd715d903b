// What a caller of createTalkingHead catches and types, so an app needs no direct @joyvasa/core import.
export {
  type BackendFallbackEvent,
  type BackendV1,
  type Device,
  type DeviceRequest,
  type EventListener,
  type FaceBox,
  type ImageLike,
  IntegrityError,
  InvalidInputError,
  isAbortError,
  JoyvasaError,
  type JoyvasaEvent,
  ManifestError,
  MissingDependencyError,
  type ModelBundle,
  type ModelFileEvent,
  ModelLoadError,
  type ModelSourceV1,
  type ModelStore,
  NoFaceFoundError,
  type NoticeEvent,
  type ProgressEvent,
  type RgbImage,
  SessionRunError,
  UnsupportedDeviceError,
} from '@joyvasa/core';
export type { FrameSinkResult, FrameSinkStartInfo, FrameSinkV1, SinkAudio } from './frame-sink.js';
export {
  type CollectOptions,
  collectTalkingHead,
  type GenerateOptions,
  type GenerateResult,
  type GeneratingTalkingHead,
} from './generate-video.js';
export { openModels } from './open-bundle.js';
export {
  type FrameDroppedEvent,
  type PacedEvent,
  type PacedFrameEvent,
  type PaceFramesOptions,
  type PacingEndEvent,
  paceFrames,
} from './pace-frames.js';
export {
  type AnimateInput,
  createTalkingHeadWith,
  type PipelinePlatform,
  type TalkingHead,
} from './talking-head.js';
export type {
  FrameEvent,
  MotionChunkEvent,
  SourceReadyEvent,
  StreamEndEvent,
  TalkingHeadEvent,
} from './talking-head-events.js';
export {
  type AnimateOptions,
  type ResolvedAnimateOptions,
  resolveAnimateOptions,
  type TalkingHeadOptions,
} from './talking-head-options.js';
export { createTeeSink } from './tee-sink.js';
export { evenSize, toEvenFrame } from './to-even-frame.js';
export { version } from './version.js';
