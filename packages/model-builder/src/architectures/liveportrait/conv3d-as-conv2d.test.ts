import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { tinyWarpingConfig } from '../../../test/tiny-warping-config.js';
import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { buildAppearanceFeatureExtractor } from './appearance-feature-extractor.js';
import { buildWarpingModule, type WarpingModuleConfig } from './warping-module.js';

// Random-valued weights: well conditioned, so every tap of every convolution matters to the output.
const weights = () => createFormulaSource('conv3d', new Map(), 'random');

async function run(graph: GraphBuilder, feeds: Record<string, TensorLike>) {
  const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
  const outputs = await session.run(feeds);
  await session.dispose();
  return outputs;
}

function relativeError(a: TensorLike, b: TensorLike): number {
  let worst = 0;
  let peak = 0;
  for (let i = 0; i < a.data.length; i++) {
    worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    peak = Math.max(peak, Math.abs(Number(b.data[i])));
  }
  return worst / peak;
}

const tinyWarping: WarpingModuleConfig = { ...tinyWarpingConfig, gridSample: 'gather' };

describe('Conv3D as sums of Conv2D (the WebGPU variants)', () => {
  it('gives the warping module the same outputs, with no Conv3D left', async () => {
    const feeds = {
      feature_3d: formulaInput('c', 'feature_3d', [1, 4, 3, 8, 8]),
      kp_driving: formulaInput('c', 'kp_driving', [1, 3, 3], -0.9, 0.9),
      kp_source: formulaInput('c', 'kp_source', [1, 3, 3], -0.9, 0.9),
    };
    const split = buildWarpingModule(weights(), { ...tinyWarping, conv3dAsConv2d: true });
    const native = await run(buildWarpingModule(weights(), tinyWarping), feeds);
    const decomposed = await run(split, feeds);
    for (const name of ['out', 'occlusion_map', 'deformation']) {
      expect(relativeError(decomposed[name]!, native[name]!), name).toBeLessThan(1e-5);
    }
    const convs = split.build().nodes.filter((node) => node.opType === 'Conv');
    expect(
      convs.every((node) => (node.attributes.kernel_shape as { ints: number[] }).ints.length === 2),
    ).toBe(true);
  });

  it('gives the appearance feature extractor the same volume', async () => {
    const config = {
      imageChannel: 3,
      blockExpansion: 4,
      numDownBlocks: 2,
      maxFeatures: 8,
      reshapeChannel: 4,
      reshapeDepth: 2,
      numResblocks: 2,
      imageSize: 16,
    };
    const feeds = { img: formulaInput('c', 'img', [1, 3, 16, 16], 0, 1) };
    const native = await run(buildAppearanceFeatureExtractor(weights(), config), feeds);
    const decomposed = await run(
      buildAppearanceFeatureExtractor(weights(), { ...config, conv3dAsConv2d: true }),
      feeds,
    );
    expect(relativeError(decomposed.feature_3d!, native.feature_3d!)).toBeLessThan(1e-5);
  });
});
