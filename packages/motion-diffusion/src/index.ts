export { type AudioProjection, createAudioProjection } from './audio/audio-projection.js';
export {
  type AssembledWindow,
  type AudioWindowAssembler,
  type AudioWindowAssemblerOptions,
  createAudioWindowAssembler,
} from './audio/audio-window-assembler.js';
export {
  type AudioWindowOptions,
  type AudioWindowPlan,
  keptFrames,
  planAudioWindows,
  windowSamples,
} from './audio/audio-window-plan.js';
export { assertEncoderMatches, encodeAudioWindows } from './audio/encode-audio-windows.js';
export { type StreamedAudioWindows, streamAudioWindows } from './audio/stream-audio-windows.js';
export * from './bundle/index.js';
export {
  applyGuidance,
  assertCfgScale,
  type ClassifierFreeGuidance,
  createClassifierFreeGuidance,
  defaultCfgScale,
  type GuidanceState,
  maxCfgScale,
} from './denoiser/classifier-free-guidance.js';
export { createOnnxDenoiser, type OnnxDenoiserOptions } from './denoiser/onnx-denoiser.js';
export {
  createMotionDecoder,
  type MotionDecoder,
  type MotionDecoderOptions,
} from './motion/motion-decoder.js';
export { motionVectorLength } from './motion/motion-frame.js';
export { type MotionTemplate, motionTemplateFromStats } from './motion/motion-template.js';
export { createPoseSmoother, type PoseSmoother } from './motion/pose-smoother.js';
export {
  assertNoiseSource,
  assertSeed,
  createSeededNoise,
  type NoiseSource,
} from './random/noise-source.js';
export { philox4x32 } from './random/philox.js';
export {
  collectMotion,
  type MotionChunk,
  type SampleMotionOptions,
  sampleMotion,
} from './sample-motion.js';
export { type SampledWindow, type SampleWindowsOptions, sampleWindows } from './sample-windows.js';
export type { MotionStartFeatures } from './sampling-setup.js';
export { cosineSchedule, type DiffusionSchedule } from './schedulers/cosine-schedule.js';
export {
  assertDdimSteps,
  createDdimScheduler,
  type DdimSchedulerOptions,
  maxDdimSteps,
} from './schedulers/ddim-scheduler.js';
export {
  createDdpmScheduler,
  type DdpmSchedulerConfig,
  type ScheduledSampler,
} from './schedulers/ddpm-scheduler.js';
export { version } from './version.js';
