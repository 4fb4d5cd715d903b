// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { describe, expect, it } from 'vitest';
import { tinySpadeConfig } from '../../../test/tiny-spade-config.js';
import { tinyWarpingConfig } from '../../../test/tiny-warping-config.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { buildRendererGraph } from './renderer-graph.js';
import { buildSpadeGenerator } from './spade-generator.js';
import { buildWarpingModule } from './warping-module.js';

const generatorConfig = tinySpadeConfig;
const feeds = {
  feature_3d: formulaInput('tiny', 'feature_3d', [1, 4, 3, 8, 8]),
  kp_driving: formulaInput('tiny', 'kp_driving', [2, 3, 3], -0.9, 0.9),
  kp_source: formulaInput('tiny', 'kp_source', [2, 3, 3], -0.9, 0.9),
};

describe('buildRendererGraph', () => {
  it('computes what W then G compute, as one graph with one output', async () => {
    const weights = { warping: createFormulaSource('w'), generator: createFormulaSource('g') };
    const backend = createOnnxNodeBackend();
    const open = (bytes: Uint8Array) => backend.createSession(bytes, { device: 'cpu' });
    const fused = await open(
      buildRendererGraph(weights, { warping: tinyWarpingConfig, generator: generatorConfig }).encode(),
    );
    const warping = await open(buildWarpingModule(weights.warping, tinyWarpingConfig).encode());
    const generator = await open(buildSpadeGenerator(weights.generator, generatorConfig).encode());
    expect(fused.outputNames).toEqual(['image']);
    const { image } = await fused.run(feeds);
    const expected = (await generator.run({ feature: (await warping.run(feeds)).out! })).image!;
    expect(image!.dims).toEqual([2, 3, 64, 64]);
    let worst = 0;
    for (let i = 0; i < expected.data.length; i++)
      worst = Math.max(worst, Math.abs(Number(image!.data[i]) - Number(expected.data[i])));
    expect(worst).toBeLessThan(1e-6);
    await Promise.all([fused.dispose(), warping.dispose(), generator.dispose()]);
  });
});
