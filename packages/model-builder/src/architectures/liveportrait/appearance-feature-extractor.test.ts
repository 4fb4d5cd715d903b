// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { describe, expect, it } from 'vitest';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import {
  type AppearanceFeatureExtractorConfig,
  appearanceFeatureExtractorDefaultConfig,
  buildAppearanceFeatureExtractor,
} from './appearance-feature-extractor.js';

const tiny: AppearanceFeatureExtractorConfig = {
  ...appearanceFeatureExtractorDefaultConfig,
  blockExpansion: 4,
  maxFeatures: 12,
  reshapeChannel: 4,
  reshapeDepth: 3,
  numResblocks: 2,
  imageSize: 16,
};

describe('buildAppearanceFeatureExtractor', () => {
  it('maps img [1, 3, S, S] to feature_3d [1, c, d, S/4, S/4] on a tiny config', async () => {
    const model = buildAppearanceFeatureExtractor(createFormulaSource('tiny'), tiny).encode();
    const session = await createOnnxNodeBackend().createSession(model, { device: 'cpu' });
    const { feature_3d: feature } = await session.run({
      img: formulaInput('tiny', 'img', [1, 3, 16, 16], 0, 1),
    });
    await session.dispose();
    expect(feature!.dims).toEqual([1, 4, 3, 4, 4]);
    const values = Array.from(feature!.data as Float32Array);
    expect(values.every(Number.isFinite)).toBe(true);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1e-3);
  });

  it('refuses a volume that does not hold maxFeatures channels', () => {
    expect(() =>
      buildAppearanceFeatureExtractor(createFormulaSource('tiny'), { ...tiny, reshapeDepth: 2 }),
    ).toThrow(/maxFeatures/);
  });
});
