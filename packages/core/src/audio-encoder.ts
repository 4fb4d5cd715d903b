import type { Float32Tensor } from './tensor.js';

/** Options for one call of {@link AudioEncoderV1.encode}. */
export interface EncodeOptions {
  readonly signal?: AbortSignal;
}

/**
 * Turns mono PCM audio into per-frame features for the motion sampler.
 *
 * A custom encoder is a plain object with these fields; no base class or registration.
 * Run `checkAudioEncoder` from `@joyvasa/core/testing` against it.
 */
export interface AudioEncoderV1 {
  readonly specificationVersion: 'v1';
  /** Identifies the encoder in logs and manifests, e.g. `hubert-zh`. */
  readonly id: string;
  /** Sample rate of the PCM `encode` expects, in Hz (16000 for HuBERT and wav2vec2). */
  readonly sampleRate: number;
  /** Feature frames per second of audio; must equal the motion model's fps (25). */
  readonly featuresPerSecond: number;
  /** Length of one feature vector (768 for HuBERT-base and wav2vec2-base). */
  readonly featureDim: number;
  /**
   * Encodes one window of mono PCM in [-1, 1] at `sampleRate`.
   * The length is a whole number of frames (`sampleRate / featuresPerSecond` samples each); the result has
   * dims `[frames, featureDim]`, one row per frame.
   */
  encode(pcm: Float32Array, options?: EncodeOptions): Promise<Float32Tensor>;
  /** Frees the encoder's sessions, if it holds any. */
  dispose?(): Promise<void>;
}
