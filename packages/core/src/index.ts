export type { AudioEncoderV1, EncodeOptions } from './audio-encoder.js';
export {
  type BackendV1,
  type DeviceTensor,
  isDeviceTensor,
  plainFeeds,
  type RunOptions,
  resolveDeviceRequest,
  type SessionFeed,
  type SessionOptions,
  type SessionV1,
} from './backend.js';
export {
  type AnimationMode,
  type AudioEncoderData,
  type AudioPadMode,
  audioPadModes,
  bundleComponents,
  bundleData,
  denoiserComponent,
  type LivePortraitNetwork,
  type LocatorModelRecord,
  type LocatorModelsData,
  livePortraitComponent,
  type MotionGeneratorData,
  type MotionModelSizes,
  motionGeneratorData,
  motionModelSizeFields,
  type PositionalEncodingMode,
  positionalEncodingModes,
} from './bundle-layout.js';
export type { DenoiseInput, DenoiserConfig, DenoiserV1 } from './denoiser.js';
export { type Device, type DeviceRequest, devices, isDeviceRequest } from './device.js';
export { type BorrowedValue, DeviceTensorRegistry, type HoldRequest } from './device-tensor-registry.js';
export {
  DisposedError,
  errorMarker,
  IntegrityError,
  InvalidInputError,
  isAbortError,
  JoyvasaError,
  ManifestError,
  MissingDependencyError,
  ModelLoadError,
  NoFaceFoundError,
  SessionRunError,
  throwIfAborted,
  UnsupportedDeviceError,
} from './errors.js';
export type {
  BackendFallbackEvent,
  EventListener,
  JoyvasaEvent,
  ModelFileEvent,
  NoticeEvent,
  ProgressEvent,
  VariantChosenEvent,
} from './events.js';
export type {
  FaceBox,
  FaceLocation,
  FaceLocatorV1,
  FaceOpenness,
  LocatedFace,
  LocateFaceOptions,
} from './face-locator.js';
export { checkSessionIo, type GraphIo, graphIo, type SessionIoCheck } from './graph-io.js';
export { sha256Hex } from './hash.js';
export { assertImage, type ImageLike, type RgbImage, toRgbImage } from './image.js';
export { inputLimits } from './limits.js';
export {
  type BundleProvenance,
  type ComponentDtype,
  checkSessionNames,
  checkSessionSpecs,
  componentFile,
  componentVariants,
  MANIFEST_VERSION,
  type ModelComponent,
  type ModelFile,
  type ModelManifest,
  officialVariant,
  type TensorSpec,
  validateManifest,
} from './manifest.js';
export {
  type BundleSessionOptions,
  type ModelBundle,
  type OpenModelBundleOptions,
  openModelBundle,
} from './model-bundle.js';
export {
  createMemorySource,
  createUrlSource,
  type ModelSourceV1,
  type ReadOptions,
  type UrlSourceOptions,
} from './model-source.js';
export {
  type CacheApiStoreOptions,
  createCacheApiStore,
  createMemoryStore,
  type ModelStore,
} from './model-store.js';
export type { MotionFrame } from './motion-frame.js';
export {
  type BundleSessions,
  type OpenBundleSession,
  openBundleSessions,
} from './open-bundle-sessions.js';
export { isWriteFailure, OutputWriteError } from './output-write-error.js';
export type { RendererV1, RenderInput } from './renderer.js';
export type { SchedulerStepInput, SchedulerV1 } from './scheduler.js';
export { assertFeedsComplete, describeFeeds, requestedOutputs } from './session-feeds.js';
export {
  assertFinite,
  assertTensor,
  concatFirstAxis,
  createTensor,
  type DataTypeMap,
  type DimPattern,
  type DType,
  type Float32Tensor,
  float32Tensor,
  isTensorLike,
  type TensorLike,
  tensorSize,
} from './tensor.js';
export { decodeTensorJson, encodeTensorJson, type TensorJson } from './tensor-json.js';
export { version } from './version.js';
