import {
  type AudioEncoderV1,
  checkSessionIo,
  createTensor,
  type EncodeOptions,
  type Float32Tensor,
  graphIo,
  InvalidInputError,
  isAbortError,
  JoyvasaError,
  SessionRunError,
  type SessionV1,
  throwIfAborted,
} from '@joyvasa/core';

const names = { ...graphIo.audioEncoder.inputs, ...graphIo.audioEncoder.outputs };

/** Options of {@link createOnnxAudioEncoder}. */
export interface OnnxAudioEncoderOptions {
  /**
   * A session of an audio-encoder graph (e.g. `buildHubertEncoder` of `@joyvasa/model-builder`): input
   * `audio` [batch, samples] float32, output `features` [batch, frames, featureDim] float32, one frame per
   * `sampleRate / featuresPerSecond` samples.
   */
  readonly session: SessionV1;
  /** Names the encoder in logs and manifests, e.g. `hubert-zh`. */
  readonly id: string;
  /** Width of one feature vector. Default 768 (HuBERT-base, wav2vec2-base). */
  readonly featureDim?: number;
  /** Sample rate of the PCM `encode` takes, in Hz (the bundle's `audioEncoder.sampleRate`, 16000 for HuBERT). */
  readonly sampleRate: number;
  /** Feature frames per second of audio: the motion model's fps (the bundle's `featuresPerSecond`, 25). */
  readonly featuresPerSecond: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidInputError(`options.${name}`, `${value} is not a positive integer`);
  }
  return value;
}

function checkPcm(pcm: unknown, samplesPerFrame: number, sampleRate: number): Float32Array {
  if (!(pcm instanceof Float32Array)) {
    throw new InvalidInputError('pcm', 'expected a Float32Array of mono samples in [-1, 1]');
  }
  if (pcm.length === 0 || pcm.length % samplesPerFrame !== 0) {
    const frames = Math.max(1, Math.ceil(pcm.length / samplesPerFrame));
    throw new InvalidInputError(
      'pcm',
      `${pcm.length} samples is not a positive multiple of ${samplesPerFrame} (one feature frame at ` +
        `${sampleRate} Hz); pad the window with zeros to ${frames * samplesPerFrame} samples.`,
    );
  }
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i])) {
      throw new InvalidInputError('pcm', `sample ${i} is ${pcm[i]}; the decoder or resampler produced it`);
    }
  }
  return pcm;
}

/**
 * An {@link AudioEncoderV1} over a session of an audio-encoder graph such as HuBERT or wav2vec2 built by
 * `buildHubertEncoder` (JoyVASA's `pad_audio` included in the graph). `encode` takes one window of mono
 * PCM whose length is a positive multiple of `sampleRate / featuresPerSecond` samples (640 at 16 kHz / 25;
 * 64000 for the 4-second JoyVASA window) and returns features [frames, featureDim] float32.
 * Throws `InvalidInputError` for other input, `SessionRunError` when the graph fails or returns another
 * shape, and the signal's `AbortError` when aborted. `dispose` disposes the session.
 */
export function createOnnxAudioEncoder(options: OnnxAudioEncoderOptions): AudioEncoderV1 {
  const { session, id } = options;
  if (typeof id !== 'string' || !id) throw new InvalidInputError('options.id', 'must be a non-empty string');
  const featureDim = positiveInteger('featureDim', options.featureDim ?? 768);
  const sampleRate = positiveInteger('sampleRate', options.sampleRate);
  const featuresPerSecond = positiveInteger('featuresPerSecond', options.featuresPerSecond);
  if (sampleRate % featuresPerSecond !== 0) {
    throw new InvalidInputError(
      'options.featuresPerSecond',
      `${featuresPerSecond} does not divide the sample rate ${sampleRate}`,
    );
  }
  checkSessionIo(session, graphIo.audioEncoder, {
    input: 'options.session',
    graph: 'an audio-encoder graph',
    fix: 'build it with buildHubertEncoder',
  });
  const samplesPerFrame = sampleRate / featuresPerSecond;

  return {
    specificationVersion: 'v1',
    id,
    sampleRate,
    featuresPerSecond,
    featureDim,
    async encode(pcm: Float32Array, encodeOptions: EncodeOptions = {}): Promise<Float32Tensor> {
      throwIfAborted(encodeOptions.signal);
      const samples = checkPcm(pcm, samplesPerFrame, sampleRate);
      const frames = samples.length / samplesPerFrame;
      const audio = createTensor('float32', [1, samples.length], samples);
      let outputs: Awaited<ReturnType<SessionV1['run']>>;
      try {
        outputs = await session.run({ [names.audio]: audio }, { signal: encodeOptions.signal });
      } catch (error) {
        if (isAbortError(error) || JoyvasaError.isInstance(error)) throw error;
        throw new SessionRunError(id, (error as Error).message, { cause: error });
      }
      throwIfAborted(encodeOptions.signal);
      const features = outputs[names.features];
      const expected = [1, frames, featureDim];
      if (
        features?.type !== 'float32' ||
        features.dims.length !== 3 ||
        features.dims.some((dim, i) => dim !== expected[i])
      ) {
        const got = features ? `${features.type} [${features.dims.join(', ')}]` : 'nothing';
        throw new SessionRunError(
          id,
          `\`features\` is ${got}, expected float32 [${expected.join(', ')}]; check that the graph's ` +
            'featureDim and frame rate match the options.',
        );
      }
      return createTensor('float32', [frames, featureDim], features.data as Float32Array);
    },
    dispose: () => session.dispose(),
  };
}
