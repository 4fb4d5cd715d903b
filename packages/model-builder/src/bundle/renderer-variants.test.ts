// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { goldenDifference } from '../../test/golden-difference.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { formulaInput } from '../synthetic/formula.js';
import { fixtureLivePortraitSizes, syntheticBundleSources } from '../synthetic/synthetic-bundle.js';
import { planJoyvasaBundle } from './joyvasa-bundle-plan.js';
import { withRendererVariants } from './renderer-variants.js';

const meta = { name: 'variants', version: '1.0.0', provenance: 'fixture' } as const;
const feeds = {
  feature_3d: formulaInput('A', 'feature_3d', [1, 8, 2, 64, 64]),
  kp_driving: formulaInput('A', 'kp_driving', [1, 21, 3], -0.5, 0.5),
  kp_source: formulaInput('A', 'kp_source', [1, 21, 3], -0.5, 0.5),
};

/** The fixture bundle's W then G, as a plan with `sizes` writes them, rendering one frame. */
async function render(sizes: typeof fixtureLivePortraitSizes): Promise<TensorLike> {
  const plan = planJoyvasaBundle({ ...syntheticBundleSources('fixture'), sizes }, meta);
  const backend = createOnnxNodeBackend();
  const open = (name: string) =>
    backend.createSession((plan.components[name]!.build() as GraphBuilder).encode(), { device: 'cpu' });
  const [warping, generator] = [await open('warping_module'), await open('spade_generator')];
  const { out } = await warping.run(feeds);
  const { image } = await generator.run({ feature: out! });
  await Promise.all([warping.dispose(), generator.dispose()]);
  return image!;
}

describe('withRendererVariants', () => {
  it('gives a synthetic bundle whose renderer draws the official frames', async () => {
    const official = await render(fixtureLivePortraitSizes);
    const sizes = withRendererVariants(fixtureLivePortraitSizes, {
      warping: 'padded-folded',
      generator: 'layer-norm',
    });
    expect(sizes.warpingModule.variant).toEqual({ padChannels: true, foldCoordinates: true });
    const variant = await render(sizes);
    expect(variant.dims).toEqual([1, 3, 512, 512]);
    // W's outputs agree to 1e-5 (warping-variants.test.ts); G amplifies that rounding about tenfold under
    // formula weights (the golden README's conditioning note): 1e-3 is a quarter of an 8-bit level.
    expect(goldenDifference(variant, official)).toBeLessThan(1e-3);
  });
});
