import {
  type AudioEncoderData,
  type AudioEncoderV1,
  type BackendV1,
  bundleComponents,
  bundleData,
  type DeviceRequest,
  type EventListener,
  type ModelBundle,
} from '@joyvasa/core';
import { createOnnxAudioEncoder } from './onnx-audio-encoder.js';

/** Options of {@link loadAudioEncoder}. */
export interface LoadAudioEncoderOptions {
  readonly device?: DeviceRequest;
  readonly onEvent?: EventListener;
}

/** The bundle's `audio_encoder` (HuBERT for the released model) as an {@link AudioEncoderV1}. */
export async function loadAudioEncoder(
  bundle: ModelBundle,
  backend: BackendV1,
  options: LoadAudioEncoderOptions = {},
): Promise<AudioEncoderV1> {
  const data = bundleData<AudioEncoderData>(bundle.manifest, 'audioEncoder');
  const session = await bundle.createSession(backend, bundleComponents.audioEncoder, {
    device: options.device ?? 'auto',
    onEvent: options.onEvent,
  });
  return createOnnxAudioEncoder({
    session,
    id: data.id,
    featureDim: data.featureDim,
    sampleRate: data.sampleRate,
    featuresPerSecond: data.featuresPerSecond,
  });
}
