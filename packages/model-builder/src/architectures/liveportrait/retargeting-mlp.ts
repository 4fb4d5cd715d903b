import { graphIo } from '@joyvasa/core';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { linear } from '../layers.js';

/** Sizes of one stitching/retargeting MLP (LivePortrait `models.yaml`). */
export interface RetargetingMlpConfig {
  readonly inputSize: number;
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
}

/** The three MLPs of `stitching_retargeting_module.pth`, by their role. */
export const retargetingMlpConfigs = {
  stitching: { inputSize: 126, hiddenSizes: [128, 128, 64], outputSize: 65 },
  lip: { inputSize: 65, hiddenSizes: [128, 128, 64], outputSize: 63 },
  eye: { inputSize: 66, hiddenSizes: [256, 256, 128, 128, 64], outputSize: 63 },
} as const satisfies Record<string, RetargetingMlpConfig>;

/**
 * A stitching/retargeting MLP: Linear → ReLU per hidden size, then a final Linear. Keys `mlp.0`, `mlp.2`, …
 * Graph: `input` [batch, inputSize] → `output` [batch, outputSize].
 */
export function buildRetargetingMlp(weights: WeightSource, config: RetargetingMlpConfig): GraphBuilder {
  const g = new GraphBuilder('retargeting_mlp');
  let h = g.input(graphIo.retargeting.inputs.input, 'float32', ['batch', config.inputSize]);
  const sizes = [config.inputSize, ...config.hiddenSizes, config.outputSize];
  for (let layer = 0; layer < sizes.length - 1; layer++) {
    h = linear(g, weights, `mlp.${layer * 2}`, h, sizes[layer]!, sizes[layer + 1]!);
    if (layer < sizes.length - 2) h = g.relu(h);
  }
  g.output(h, graphIo.retargeting.outputs.output, 'float32', ['batch', config.outputSize]);
  return g;
}
