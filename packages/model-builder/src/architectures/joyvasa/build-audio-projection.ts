import { graphIo, type MotionModelSizes } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { linear } from '../layers.js';

/**
 * JoyVASA's `audio_feature_map` (Linear audioFeatureDim → d) as a graph:
 * `features` [B, T, audioFeatureDim] (25 fps encoder features) → `audio_feat` [B, T, d]. B and T are free.
 */
export function buildAudioProjection(weights: WeightSource, config: MotionModelSizes): GraphBuilder {
  const g = new GraphBuilder('joyvasa_audio_projection');
  const names = graphIo.audioProjection;
  const features = g.input(names.inputs.features, 'float32', ['batch', 'frames', config.audioFeatureDim]);
  const projected = linear(
    g,
    weights,
    'audio_feature_map',
    features,
    config.audioFeatureDim,
    config.modelDim,
  );
  g.output(projected, names.outputs.projected, 'float32', ['batch', 'frames', config.modelDim]);
  return g;
}
