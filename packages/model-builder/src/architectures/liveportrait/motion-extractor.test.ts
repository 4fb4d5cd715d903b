// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { describe, expect, it } from 'vitest';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { buildMotionExtractor, type MotionExtractorConfig } from './motion-extractor.js';

const tiny: MotionExtractorConfig = {
  depths: [1, 1, 2, 1],
  dims: [4, 8, 12, 16],
  numKp: 3,
  numBins: 5,
  imageChannel: 3,
  imageSize: 32,
};

describe('buildMotionExtractor', () => {
  it('gives the seven heads with the bundle names and widths on a tiny config', async () => {
    const graph = buildMotionExtractor(createFormulaSource('tiny'), tiny);
    const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
    const outputs = await session.run({ img: formulaInput('tiny', 'img', [1, 3, 32, 32], 0, 1) });
    await session.dispose();
    const widths = { pitch: 5, yaw: 5, roll: 5, t: 3, exp: 9, scale: 1, kp: 9 };
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(widths).sort());
    for (const [name, width] of Object.entries(widths)) {
      expect(outputs[name]!.dims).toEqual([1, width]);
      expect(Array.from(outputs[name]!.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    // The exact-GELU, GRN and both LayerNorm flavours are all in the graph.
    expect(graph.opInventory()).toMatchObject({ Erf: 5, ReduceL2: 5, LayerNormalization: 6 });
  });
});
