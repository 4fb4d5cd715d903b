// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { goldenDifference } from '../../test/golden-difference.js';
import type { GraphBuilder } from '../onnx/graph-builder.js';
import { formulaInput } from '../synthetic/formula.js';
import { fixtureLivePortraitSizes, syntheticBundleSources } from '../synthetic/synthetic-bundle.js';
import { planJoyvasaBundle } from './joyvasa-bundle-plan.js';
import { parseRendererVariant, rendererVariantName, withRendererVariants } from './renderer-variants.js';

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

describe('renderer forms by name', () => {
  it('parses <W> and <W>+<G>, gives each form one name, refuses unknown ones', () => {
    expect(parseRendererVariant('padded-folded+layer-norm')).toEqual({
      warping: 'padded-folded',
      generator: 'layer-norm',
    });
    expect(parseRendererVariant('official')).toEqual({ warping: 'official', generator: 'official' });
    expect(rendererVariantName(parseRendererVariant('folded+official')!)).toBe('folded');
    expect(rendererVariantName(parseRendererVariant('official+folded')!)).toBe('official+folded');
    for (const bad of ['nhwc', 'padded+nhwc', 'padded+folded+folded', '']) {
      expect(parseRendererVariant(bad)).toBeUndefined();
    }
  });

  it('plans the forms as variants of each renderer, the official one as its own file', () => {
    const plan = planJoyvasaBundle(
      {
        ...syntheticBundleSources('fixture'),
        rendererVariants: [
          { warping: 'official', generator: 'official' },
          { warping: 'padded-folded', generator: 'layer-norm' },
        ],
      },
      meta,
    );
    for (const name of ['renderer', 'animal_renderer']) {
      const variants = plan.components[name]!.variants!;
      expect(Object.keys(variants)).toEqual(['padded-folded+layer-norm']);
      expect(variants['padded-folded+layer-norm']!.file).toBe(`${name}.padded-folded+layer-norm.onnx`);
      expect(variants['padded-folded+layer-norm']!.build().opInventory().LayerNormalization).toBe(8);
    }
    expect(
      planJoyvasaBundle(syntheticBundleSources('fixture'), meta).components.renderer!.variants,
    ).toBeUndefined();
  });
});
