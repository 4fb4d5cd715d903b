import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { linear } from '../layers.js';
import type { MotionGeneratorConfig } from './motion-generator-config.js';

/**
 * JoyVASA's `audio_feature_map` (Linear audioFeatureDim → d) as a graph:
 * `features` [B, T, audioFeatureDim] (25 fps encoder features) → `audio_feat` [B, T, d]. B and T are free.
 */
export function buildAudioProjection(weights: WeightSource, config: MotionGeneratorConfig): GraphBuilder {
  const g = new GraphBuilder('joyvasa_audio_projection');
  const features = g.input('features', 'float32', ['batch', 'frames', config.audioFeatureDim]);
  const projected = linear(
    g,
    weights,
    'audio_feature_map',
    features,
    config.audioFeatureDim,
    config.featureDim,
  );
  g.output(projected, 'audio_feat', 'float32', ['batch', 'frames', config.featureDim]);
  return g;
}
