import type { SpadeVariant } from '../architectures/liveportrait/spade-resnet-block.js';
import type { WarpingVariant } from '../architectures/liveportrait/warping-module.js';
import type { LivePortraitSizes } from './joyvasa-bundle-plan.js';

/**
 * The named equivalent forms of the renderer's two graphs (issue 21: kernels chosen by timing). Each
 * computes the official module to float32 rounding; which is fastest depends on the GPU, the precision
 * and the batch, so they are timed where they run. `official` is the graph every bundle has today.
 */
export const warpingVariants = {
  official: {},
  /** The dense-motion network's 110, 142 and 22 channels zero-padded to 112, 144 and 24. */
  padded: { padChannels: true },
  /** The keypoint and grid arithmetic around the two GridSamples in fewer ops. */
  folded: { foldCoordinates: true },
  'padded-folded': { padChannels: true, foldCoordinates: true },
} as const satisfies Record<string, WarpingVariant>;

/** The named forms of G's SPADE blocks (see {@link warpingVariants}). */
export const generatorVariants = {
  official: {},
  /** `γ + 1` in γ's conv bias, and in float16 the norm without Casts: IN, Mul, Add. */
  folded: { foldModulation: true, float16Normalization: true },
  /** As `folded`, the norm as LayerNormalization over each channel's pixels. */
  'layer-norm': { normalization: 'layer', foldModulation: true, float16Normalization: true },
  /** As `folded`, with the convs that read one input merged: each SPADE's γ and β, a block's shared convs. */
  merged: { foldModulation: true, float16Normalization: true, mergeConvs: true },
  /** As `layer-norm`, with merged convs. */
  'merged-layer-norm': {
    normalization: 'layer',
    foldModulation: true,
    float16Normalization: true,
    mergeConvs: true,
  },
} as const satisfies Record<string, SpadeVariant>;

/** A name of {@link warpingVariants}. */
export type WarpingVariantName = keyof typeof warpingVariants;
/** A name of {@link generatorVariants}. */
export type GeneratorVariantName = keyof typeof generatorVariants;

/** True when `name` names a W variant. */
export function isWarpingVariantName(name: string): name is WarpingVariantName {
  return Object.hasOwn(warpingVariants, name);
}

/** True when `name` names a G variant. */
export function isGeneratorVariantName(name: string): name is GeneratorVariantName {
  return Object.hasOwn(generatorVariants, name);
}

/** `sizes` with W and G built in the named forms (a bundle's renderer in another, equivalent form). */
export function withRendererVariants(
  sizes: LivePortraitSizes,
  names: { readonly warping?: WarpingVariantName; readonly generator?: GeneratorVariantName },
): LivePortraitSizes {
  return {
    ...sizes,
    warpingModule: { ...sizes.warpingModule, variant: warpingVariants[names.warping ?? 'official'] },
    spadeGenerator: { ...sizes.spadeGenerator, variant: generatorVariants[names.generator ?? 'official'] },
  };
}

/** A form of the renderer (W+G as one graph): its W and G forms. */
export interface RendererVariant {
  readonly warping: WarpingVariantName;
  readonly generator: GeneratorVariantName;
}

/**
 * Parses a renderer form's name, `<W form>` or `<W form>+<G form>` (e.g. `padded-folded+layer-norm`;
 * `official` alone is the official W and G), or returns undefined for an unknown name.
 */
export function parseRendererVariant(name: string): RendererVariant | undefined {
  const [warping, generator = 'official', ...rest] = name.split('+');
  if (rest.length > 0 || !warping || !isWarpingVariantName(warping) || !isGeneratorVariantName(generator)) {
    return undefined;
  }
  return { warping, generator };
}

/** The one name of a renderer form (the manifest's variant name): `<W>`, or `<W>+<G>` when G is not official. */
export function rendererVariantName(variant: RendererVariant): string {
  return variant.generator === 'official' ? variant.warping : `${variant.warping}+${variant.generator}`;
}
