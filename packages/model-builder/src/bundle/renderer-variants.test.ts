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

/** The graphs a synthetic fixture bundle with `sizes` writes, by component. */
function planned(sizes: typeof fixtureLivePortraitSizes): (component: string) => GraphBuilder {
  const plan = planJoyvasaBundle({ ...syntheticBundleSources('fixture'), sizes }, meta);
  return (component) => plan.components[component]!.build() as GraphBuilder;
}

async function warp(graph: GraphBuilder): Promise<TensorLike> {
  const session = await createOnnxNodeBackend().createSession(graph.encode(), { device: 'cpu' });
  const { out } = await session.run(feeds);
  await session.dispose();
  return out!;
}

describe('withRendererVariants', () => {
  it("gives a synthetic bundle whose W computes the official W, and whose G has the variant's SPADEs", async () => {
    const sizes = withRendererVariants(fixtureLivePortraitSizes, {
      warping: 'padded-folded',
      generator: 'layer-norm',
    });
    const [official, variant] = [planned(fixtureLivePortraitSizes), planned(sizes)];
    expect(
      goldenDifference(await warp(variant('warping_module')), await warp(official('warping_module'))),
    ).toBeLessThan(1e-5);
    const generator = variant('spade_generator').opInventory();
    expect(generator.LayerNormalization).toBe(8);
    expect(generator.InstanceNormalization).toBeUndefined();
    expect(official('spade_generator').opInventory().InstanceNormalization).toBe(8);
  });
});
