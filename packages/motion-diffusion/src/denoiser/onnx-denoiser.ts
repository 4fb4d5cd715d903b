import {
  assertTensor,
  type DenoiserConfig,
  type DenoiserV1,
  type Float32Tensor,
  InvalidInputError,
  type SessionV1,
} from '@joyvasa/core';

/** Input and output names of the denoiser graph (`buildDenoiser` in @joyvasa/model-builder). */
const inputNames = ['x_t', 'audio_feat', 'prev_motion', 'prev_audio', 'step'] as const;

/** Options of {@link createOnnxDenoiser}. */
export interface OnnxDenoiserOptions {
  /** A session of the denoiser graph: `x_t, audio_feat, prev_motion, prev_audio, step` → `x0`. */
  readonly session: SessionV1;
  /** The model's sizes (from its manifest or checkpoint args). */
  readonly config: DenoiserConfig;
}

/**
 * A {@link DenoiserV1} over an ONNX session of one denoiser call. Checks every input's dims against the
 * config (batch free, shared by all inputs) and the output's dims [B, context + window, motionDim].
 */
export function createOnnxDenoiser(options: OnnxDenoiserOptions): DenoiserV1 {
  const { session, config } = options;
  const missing = inputNames.filter((name) => !session.inputNames.includes(name));
  if (missing.length > 0 || !session.outputNames.includes('x0')) {
    throw new InvalidInputError(
      'session',
      `the denoiser model has inputs [${session.inputNames.join(', ')}] and outputs ` +
        `[${session.outputNames.join(', ')}]; expected [${inputNames.join(', ')}] → [x0] (load the denoiser component)`,
    );
  }
  const { motionDim, audioDim, windowFrames, contextFrames } = config;
  return {
    specificationVersion: 'v1',
    config,
    async denoise(input, runOptions) {
      const bound: Record<string, number> = {};
      assertTensor('sample', input.sample, 'float32', ['batch', windowFrames, motionDim], bound);
      assertTensor('audio', input.audio, 'float32', ['batch', windowFrames, audioDim], bound);
      assertTensor(
        'previousMotion',
        input.previousMotion,
        'float32',
        ['batch', contextFrames, motionDim],
        bound,
      );
      assertTensor(
        'previousAudio',
        input.previousAudio,
        'float32',
        ['batch', contextFrames, audioDim],
        bound,
      );
      assertTensor('timestep', input.timestep, 'int64', ['batch'], bound);
      const outputs = await session.run(
        {
          x_t: input.sample,
          audio_feat: input.audio,
          prev_motion: input.previousMotion,
          prev_audio: input.previousAudio,
          step: input.timestep,
        },
        runOptions,
      );
      const x0 = outputs.x0;
      assertTensor('x0', x0, 'float32', [bound.batch!, contextFrames + windowFrames, motionDim]);
      return x0 as Float32Tensor;
    },
    dispose: () => session.dispose(),
  };
}
