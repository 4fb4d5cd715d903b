/**
 * The renderer's equivalent graphs for `bench-variants.ts`: W, G and W+G in each named variant
 * (`warpingVariants`, `generatorVariants` of @joyvasa/model-builder), at the official sizes with
 * PyTorch-default-like random weights, or at a tiny size for a CPU check of the script itself.
 */
import {
  buildRendererGraph,
  buildSpadeGenerator,
  buildWarpingModule,
  type GeneratorVariantName,
  generatorVariants,
  isGeneratorVariantName,
  isWarpingVariantName,
  type SpadeGeneratorConfig,
  spadeGeneratorDefaultConfig,
  type WarpingModuleConfig,
  type WarpingVariantName,
  warpingModuleDefaultConfig,
  warpingVariants,
} from '@joyvasa/model-builder';
import type { GraphBuilder } from '@joyvasa/model-builder/onnx';
import { createFormulaSource } from '@joyvasa/model-builder/synthetic';

/** `official`: the released module sizes; `tiny`: a few channels, the same structure (110/142/22 channels). */
export type VariantSize = 'official' | 'tiny';

/** The stage a graph renders: W, G, or W then G as one graph. */
export type VariantStage = 'W' | 'G' | 'W+G';

const tinyWarping: WarpingModuleConfig = {
  ...warpingModuleDefaultConfig,
  blockExpansion: 4,
  maxFeatures: 16,
  reshapeChannel: 4,
  denseMotion: { blockExpansion: 8, maxFeatures: 32, numBlocks: 5, reshapeDepth: 4, compress: 4 },
  spatialSize: 32,
};
const tinyGenerator: SpadeGeneratorConfig = {
  ...spadeGeneratorDefaultConfig,
  blockExpansion: 4,
  maxFeatures: 16,
  outChannels: 8,
  numMiddleBlocks: 1,
  spadeHidden: 8,
  spatialSize: 32,
};

/** The W and G configs of `size`. */
export function variantConfigs(size: VariantSize): {
  warping: WarpingModuleConfig;
  generator: SpadeGeneratorConfig;
} {
  return size === 'tiny'
    ? { warping: tinyWarping, generator: tinyGenerator }
    : { warping: warpingModuleDefaultConfig, generator: spadeGeneratorDefaultConfig };
}

/** The appearance volume's [C, D, H, W] for `size`. */
export function variantVolume(size: VariantSize): [number, number, number, number] {
  const { warping } = variantConfigs(size);
  const side = warping.spatialSize;
  return [warping.reshapeChannel, warping.denseMotion.reshapeDepth, side, side];
}

/** A variant of one stage: for W+G, `<W variant>+<G variant>`. */
export interface StageVariant {
  readonly stage: VariantStage;
  readonly name: string;
}

/** Parses `padded-folded+layer-norm` into its W and G names, or throws naming the known ones. */
function splitFused(name: string): [WarpingVariantName, GeneratorVariantName] {
  const [warping, generator] = name.split('+');
  if (!warping || !isWarpingVariantName(warping) || !generator || !isGeneratorVariantName(generator)) {
    throw new Error(
      `W+G variant '${name}' is <W>+<G> with W one of ${Object.keys(warpingVariants).join(', ')} ` +
        `and G one of ${Object.keys(generatorVariants).join(', ')}`,
    );
  }
  return [warping, generator];
}

/** The builder of one stage variant at `size` (the same seeded weights for every variant). */
export function variantBuilder(variant: StageVariant, size: VariantSize): () => GraphBuilder {
  const weights = () => createFormulaSource('bench', new Map(), 'pytorch-default');
  const configs = variantConfigs(size);
  const warping = (name: WarpingVariantName) => ({ ...configs.warping, variant: warpingVariants[name] });
  const generator = (name: GeneratorVariantName) => ({
    ...configs.generator,
    variant: generatorVariants[name],
  });
  if (variant.stage === 'W') {
    const name = variant.name;
    if (!isWarpingVariantName(name)) throw new Error(`no W variant '${name}'`);
    return () => buildWarpingModule(weights(), warping(name));
  }
  if (variant.stage === 'G') {
    const name = variant.name;
    if (!isGeneratorVariantName(name)) throw new Error(`no G variant '${name}'`);
    return () => buildSpadeGenerator(weights(), generator(name));
  }
  const [w, g] = splitFused(variant.name);
  return () =>
    buildRendererGraph(
      { warping: weights(), generator: weights() },
      { warping: warping(w), generator: generator(g) },
    );
}
