import {
  assertTensor,
  checkSessionIo,
  type DenoiserConfig,
  type DenoiserV1,
  type Float32Tensor,
  graphIo,
  type SessionV1,
} from '@joyvasa/core';

const names = graphIo.denoiser;

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
  checkSessionIo(session, names, { graph: 'the denoiser graph', fix: 'load the denoiser component' });
  const { motionDim, modelDim, windowFrames, contextFrames } = config;
  return {
    specificationVersion: 'v1',
    config,
    async denoise(input, runOptions) {
      const bound: Record<string, number> = {};
      assertTensor('sample', input.sample, 'float32', ['batch', windowFrames, motionDim], bound);
      assertTensor('audio', input.audio, 'float32', ['batch', windowFrames, modelDim], bound);
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
        ['batch', contextFrames, modelDim],
        bound,
      );
      assertTensor('timestep', input.timestep, 'int64', ['batch'], bound);
      const outputs = await session.run(
        {
          [names.inputs.sample]: input.sample,
          [names.inputs.audio]: input.audio,
          [names.inputs.previousMotion]: input.previousMotion,
          [names.inputs.previousAudio]: input.previousAudio,
          [names.inputs.timestep]: input.timestep,
        },
        runOptions,
      );
      const x0 = outputs[names.outputs.x0];
      assertTensor('x0', x0, 'float32', [bound.batch!, contextFrames + windowFrames, motionDim]);
      return x0 as Float32Tensor;
    },
    dispose: () => session.dispose(),
  };
}
