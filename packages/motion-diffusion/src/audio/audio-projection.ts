import {
  assertTensor,
  checkSessionIo,
  createTensor,
  type Float32Tensor,
  graphIo,
  type RunOptions,
  type SessionV1,
} from '@joyvasa/core';

/** Projects encoder features to the denoiser's audio width (JoyVASA's `audio_feature_map`). */
export interface AudioProjection {
  /** `features` [frames, inDim] → [frames, outDim]. */
  project(features: Float32Tensor, options?: RunOptions): Promise<Float32Tensor>;
}

/**
 * An {@link AudioProjection} over a session of `buildAudioProjection`'s graph
 * (`features` [B, T, in] → `audio_feat` [B, T, d]).
 */
export function createAudioProjection(session: SessionV1): AudioProjection {
  const { inputs, outputs } = graphIo.audioProjection;
  checkSessionIo(session, graphIo.audioProjection, {
    graph: 'the audio projection graph',
    fix: 'load the audio_projection component of the bundle',
  });
  return {
    async project(features, options) {
      const { frames, width } = assertTensor('features', features, 'float32', ['frames', 'width']);
      const feeds = { [inputs.features]: createTensor('float32', [1, frames!, width!], features.data) };
      const output = (await session.run(feeds, options))[outputs.projected];
      const { out } = assertTensor('audio_feat', output, 'float32', [1, frames!, 'out']);
      return createTensor('float32', [frames!, out!], output!.data as Float32Array);
    },
  };
}
