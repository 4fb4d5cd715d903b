import {
  type BackendV1,
  bundleComponents,
  type DenoiserV1,
  type DeviceRequest,
  decodeTensorJson,
  denoiserComponent,
  type EventListener,
  graphIo,
  type ModelBundle,
  type MotionModelSizes,
  motionGeneratorData,
  openBundleSessions,
  type PositionalEncodingMode,
} from '@joyvasa/core';
import { type AudioProjection, createAudioProjection } from '../audio/audio-projection.js';
import { createOnnxDenoiser } from '../denoiser/onnx-denoiser.js';
import { type MotionTemplate, motionTemplateFromStats } from '../motion/motion-template.js';
import type { MotionStartFeatures } from '../sampling-setup.js';

/** The JoyVASA motion generator loaded from a bundle: what `sampleMotion` needs besides the audio. */
export interface MotionGenerator {
  readonly config: MotionModelSizes;
  readonly denoiser: DenoiserV1;
  readonly projection: AudioProjection;
  readonly startFeatures: MotionStartFeatures;
  readonly template: MotionTemplate;
  dispose(): Promise<void>;
}

/** Options of {@link loadMotionGenerator}. */
export interface LoadMotionGeneratorOptions {
  readonly device?: DeviceRequest;
  /**
   * The denoiser's positional encoding: `'legacy'` (default; the form the released weights were trained
   * with) or `'fixed'` (the official repository's later change, which differs from training).
   */
  readonly positionalEncoding?: PositionalEncodingMode;
  readonly onEvent?: EventListener;
}

/** Creates the denoiser and projection sessions and reads the start features and template of a bundle. */
export async function loadMotionGenerator(
  bundle: ModelBundle,
  backend: BackendV1,
  options: LoadMotionGeneratorOptions = {},
): Promise<MotionGenerator> {
  const data = motionGeneratorData(bundle.manifest);
  const startFeatures: MotionStartFeatures = {
    startMotion: decodeTensorJson(
      data.startFeatures?.startMotion,
      'data.motionGenerator.startFeatures.startMotion',
    ),
    startAudio: decodeTensorJson(
      data.startFeatures?.startAudio,
      'data.motionGenerator.startFeatures.startAudio',
    ),
    nullAudio: decodeTensorJson(
      data.startFeatures?.nullAudio,
      'data.motionGenerator.startFeatures.nullAudio',
    ),
  };
  const template = motionTemplateFromStats(data.template ?? {});
  const sessionOptions = {
    device: options.device ?? 'auto',
    onEvent: options.onEvent,
  };
  const component = denoiserComponent(options.positionalEncoding ?? 'legacy');
  const config = data.config;
  const opened = await openBundleSessions(bundle, backend, sessionOptions, async (open) => ({
    denoiser: createOnnxDenoiser({ session: await open(component, graphIo.denoiser), config }),
    projection: createAudioProjection(await open(bundleComponents.audioProjection, graphIo.audioProjection)),
  }));
  return { config, ...opened.value, startFeatures, template, dispose: opened.dispose };
}
