// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import type { TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { goldenDifference } from '../../../test/golden-difference.js';
import { tinySpadeConfig } from '../../../test/tiny-spade-config.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import { buildSpadeGenerator } from './spade-generator.js';
import type { SpadeVariant } from './spade-resnet-block.js';

const feature = formulaInput('tiny', 'feature', [2, 8, 8, 8]);

function build(variant: SpadeVariant | undefined) {
  return buildSpadeGenerator(createFormulaSource('tiny'), { ...tinySpadeConfig, variant });
}

async function generate(variant: SpadeVariant | undefined): Promise<TensorLike> {
  const session = await createOnnxNodeBackend().createSession(build(variant).encode(), { device: 'cpu' });
  const { image } = await session.run({ feature });
  await session.dispose();
  return image!;
}

/** How many nodes of `opType` the graph has in `dtype`. */
function countOps(variant: SpadeVariant | undefined, opType: string): number {
  return build(variant)
    .build()
    .nodes.filter((node) => node.opType === opType).length;
}

const variants: [string, SpadeVariant][] = [
  ['folded modulation', { foldModulation: true }],
  ['layer norm', { normalization: 'layer' }],
  ['all', { normalization: 'layer', foldModulation: true, float16Normalization: true }],
  ['merged convs', { mergeConvs: true }],
  ['merged convs, folded', { mergeConvs: true, foldModulation: true, float16Normalization: true }],
];

describe('SPADE generator variants', () => {
  it.each(variants)('%s: computes the official graph to float32 tolerance', async (_, variant) => {
    const [official, candidate] = [await generate(undefined), await generate(variant)];
    expect(candidate.dims).toEqual(official.dims);
    // The image is in [0, 1]: the golden suite's 1e-4 · max(1, max |golden|) is 1e-4.
    expect(goldenDifference(candidate, official)).toBeLessThan(1e-5);
  });

  it('folding the modulation drops one Add per SPADE', () => {
    const official = countOps(undefined, 'Add');
    const folded = countOps({ foldModulation: true }, 'Add');
    // tinySpadeConfig: one middle block (2 SPADEs) and two up blocks with learned shortcuts (3 each).
    expect(official - folded).toBe(8);
  });

  it('merging the convs that read one input leaves one shared conv per block and one γβ conv per SPADE', () => {
    // tinySpadeConfig: one middle block (2 SPADEs) and two up blocks with learned shortcuts (3 each): 8
    // SPADEs of 3 convs each in 3 blocks become 3 shared convs and 8 γβ convs.
    expect(countOps(undefined, 'Conv') - countOps({ mergeConvs: true }, 'Conv')).toBe(8 * 3 - (3 + 8));
    expect(countOps({ mergeConvs: true }, 'Split')).toBe(3 + 8);
  });

  it('a float16 graph normalises in float16, with no Cast around the norm, when asked', () => {
    const castsAtNorms = (variant: SpadeVariant | undefined) => {
      const { nodes } = build(variant).build('fp16');
      const cast = new Set(nodes.filter((node) => node.opType === 'Cast').flatMap((node) => node.outputs));
      const castInputs = new Set(
        nodes.filter((node) => node.opType === 'Cast').flatMap((node) => node.inputs),
      );
      const norms = nodes.filter((node) => node.opType.endsWith('Normalization'));
      expect(norms.length).toBe(8);
      return norms.filter((node) => cast.has(node.inputs[0]!) || castInputs.has(node.outputs[0]!)).length;
    };
    expect(castsAtNorms(undefined)).toBe(8);
    expect(castsAtNorms({ float16Normalization: true })).toBe(0);
    expect(castsAtNorms({ normalization: 'layer', float16Normalization: true })).toBe(0);
  });

  it('the float16 variant with every fold stays within the float16 accuracy of the official float16 graph', async () => {
    const run = async (variant: SpadeVariant | undefined) => {
      const bytes = build(variant).encode({ dtype: 'fp16' });
      const session = await createOnnxNodeBackend().createSession(bytes, { device: 'cpu' });
      const { image } = await session.run({ feature });
      await session.dispose();
      return image!;
    };
    const all = { normalization: 'layer', foldModulation: true, float16Normalization: true } as const;
    expect(goldenDifference(await run(all), await run(undefined))).toBeLessThan(4 / 255);
  });
});
