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
export { createTalkingHeadWith } from './head/create-talking-head-with.js';
export { openModels } from './head/open-models.js';
export type {
  AnimateInput,
  GenerateOptions,
  GeneratingTalkingHead,
  PipelinePlatform,
  TalkingHead,
} from './head/talking-head.js';
export {
  type FrameDroppedEvent,
  type PacedEvent,
  type PacedFrameEvent,
  type PaceFramesOptions,
  type PacingEndEvent,
  paceFrames,
} from './pacing/pace-frames.js';
export {
  type CollectOptions,
  collectTalkingHead,
  type GenerateResult,
} from './run/collect-talking-head.js';
export type {
  FrameEvent,
  MotionChunkEvent,
  SourceReadyEvent,
  StreamEndEvent,
  TalkingHeadEvent,
} from './run/talking-head-events.js';
export {
  type AnimateOptions,
  type ResolvedAnimateOptions,
  resolveAnimateOptions,
  type TalkingHeadOptions,
} from './run/talking-head-options.js';
export { createFrameSink, type FrameSinkHandlers } from './sinks/create-frame-sink.js';
export type {
  FrameSinkResult,
  FrameSinkStartInfo,
  FrameSinkV1,
  LiveSinkAudio,
  SinkAudio,
} from './sinks/frame-sink.js';
export { createTeeSink } from './sinks/tee-sink.js';
export { evenSize, toEvenFrame } from './sinks/to-even-frame.js';
export { version } from './version.js';
