import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import {
  buildSpadeGenerator,
  type SpadeGeneratorConfig,
  spadeGeneratorDefaultConfig,
} from './spade-generator.js';
import {
  buildWarpingModule,
  type WarpingModuleConfig,
  warpingModuleDefaultConfig,
} from './warping-module.js';

/**
 * W then G as one graph: inputs `feature_3d` [1, 32, 16, 64, 64], `kp_driving` and `kp_source` [N, 21, 3];
 * output `image` [N, 3, 512, 512]. The warped feature map (4 MiB a frame) never leaves the device, which two
 * sessions cannot promise from Node (onnxruntime-node binds no CUDA memory between sessions).
 */
export function buildRendererGraph(
  weights: { readonly warping: WeightSource; readonly generator: WeightSource },
  config: { readonly warping?: WarpingModuleConfig; readonly generator?: SpadeGeneratorConfig } = {},
): GraphBuilder {
  const warping = buildWarpingModule(weights.warping, config.warping ?? warpingModuleDefaultConfig);
  const generator = buildSpadeGenerator(weights.generator, config.generator ?? spadeGeneratorDefaultConfig);
  return warping.chain(generator, { feature: 'out' }, 'spade_generator');
}
