import {
  type AudioEncoderData,
  type AudioEncoderV1,
  type BackendV1,
  bundleComponents,
  bundleData,
  type DeviceRequest,
  type EventListener,
  graphIo,
  type ModelBundle,
  openBundleSessions,
} from '@joyvasa/core';
import { createOnnxAudioEncoder } from './onnx-audio-encoder.js';

/** Options of {@link loadAudioEncoder}. */
export interface LoadAudioEncoderOptions {
  readonly device?: DeviceRequest;
  readonly onEvent?: EventListener;
}

/**
 * The bundle's `audio_encoder` (HuBERT for the released model) as an {@link AudioEncoderV1}; its session is
 * disposed again when the session or the bundle's `data.audioEncoder` does not fit.
 */
export async function loadAudioEncoder(
  bundle: ModelBundle,
  backend: BackendV1,
  options: LoadAudioEncoderOptions = {},
): Promise<AudioEncoderV1> {
  const data = bundleData<AudioEncoderData>(bundle.manifest, 'audioEncoder');
  const sessionOptions = { device: options.device ?? 'auto', onEvent: options.onEvent };
  const opened = await openBundleSessions(bundle, backend, sessionOptions, async (open) =>
    createOnnxAudioEncoder({
      session: await open(bundleComponents.audioEncoder, graphIo.audioEncoder),
      id: data.id,
      featureDim: data.featureDim,
      sampleRate: data.sampleRate,
      featuresPerSecond: data.featuresPerSecond,
    }),
  );
  return opened.value;
}
