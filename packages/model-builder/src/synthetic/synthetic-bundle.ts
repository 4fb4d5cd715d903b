import type { MotionModelSizes } from '@joyvasa/core';
import { chineseHubertBaseConfig, type HubertConfig } from '../architectures/hubert/hubert-config.js';
import {
  motionGeneratorConfig,
  releasedMotionGeneratorConfig,
} from '../architectures/joyvasa/motion-generator-config.js';
import type { BundlePlan } from '../bundle/bundle-plan.js';
import {
  type JoyvasaBundleSources,
  type LivePortraitSizes,
  type LivePortraitWeights,
  officialLivePortraitSizes,
  planJoyvasaBundle,
} from '../bundle/joyvasa-bundle-plan.js';
import type { RendererVariant } from '../bundle/renderer-variants.js';
import type { WeightSource } from '../weights/weight-source.js';
import { fixtureFaceDetector, fixtureLandmarks106, fixtureLandmarks203 } from './fixture-detectors.js';
import { createFormulaSource, type SyntheticValues } from './formula-source.js';

/**
 * Synthetic bundles: the JoyVASA architecture with formula weights (../shared/golden/README.md) instead of
 * trained ones. `formula` has the official sizes (every graph structure-exact, for benchmarks and smoke
 * runs); `fixture` shrinks every network (same inputs and outputs) so a whole clip renders in seconds on a
 * CPU. Neither animates a face: their frames are noise-like textures shaped by the pipeline's geometry.
 */
export type SyntheticBundleKind = 'formula' | 'fixture';

/** LivePortrait sizes of the fixture bundle: a few channels per layer, the official inputs and outputs. */
export const fixtureLivePortraitSizes: LivePortraitSizes = {
  appearanceFeatureExtractor: {
    imageChannel: 3,
    blockExpansion: 8,
    numDownBlocks: 2,
    maxFeatures: 16,
    reshapeChannel: 8,
    reshapeDepth: 2,
    numResblocks: 1,
    imageSize: 256,
  },
  motionExtractor: {
    depths: [1, 1, 1, 1],
    dims: [8, 8, 16, 16],
    numKp: 21,
    numBins: 66,
    imageChannel: 3,
    imageSize: 256,
  },
  warpingModule: {
    numKp: 21,
    // out = blockExpansion · 2^numDownBlocks must equal G's input min(maxFeatures, blockExpansion · 2^downs).
    blockExpansion: 4,
    maxFeatures: 16,
    numDownBlocks: 2,
    reshapeChannel: 8,
    // A shallow volume and one compressed channel keep the 7x7x7 mask convolution (22 outputs) cheap.
    denseMotion: { blockExpansion: 4, maxFeatures: 16, numBlocks: 2, reshapeDepth: 2, compress: 1 },
    spatialSize: 64,
  },
  spadeGenerator: {
    upscale: 2,
    blockExpansion: 8,
    maxFeatures: 16,
    numDownBlocks: 2,
    outChannels: 8,
    numMiddleBlocks: 1,
    spadeHidden: 8,
    spatialSize: 64,
  },
};

/** The fixture bundle's audio encoder: HuBERT's layout (same strides, so the same frame rate), tiny widths. */
export const fixtureHubertConfig: HubertConfig = {
  ...chineseHubertBaseConfig,
  name: 'fixture-hubert',
  hiddenSize: 32,
  numHiddenLayers: 2,
  numAttentionHeads: 4,
  intermediateSize: 64,
  convDim: [32, 32, 32, 32, 32, 32, 32],
  numConvPosEmbeddings: 16,
  numConvPosEmbeddingGroups: 4,
};

/** The fixture bundle's motion generator: the released windows and steps, a narrow 2-layer denoiser. */
export const fixtureMotionGeneratorConfig: MotionModelSizes = motionGeneratorConfig({
  modelDim: 32,
  layers: 2,
  heads: 4,
  audioFeatureDim: fixtureHubertConfig.hiddenSize,
});

/**
 * Motion statistics in the ranges LivePortrait's motion takes (scale about 1.5, angles within ±20°), so that
 * synthetic bundles produce plausible keypoints.
 */
export function syntheticMotionTemplate(): Record<string, number[]> {
  return {
    mean_exp: Array.from({ length: 63 }, (_, i) => 0.004 * Math.sin(i)),
    std_exp: Array.from({ length: 63 }, (_, i) => 0.01 + 0.005 * (1 + Math.cos(i))),
    min_scale: [1.35],
    max_scale: [1.65],
    min_t: [-0.04, -0.04, -0.02],
    max_t: [0.04, 0.04, 0.02],
    min_pitch: [-15],
    max_pitch: [15],
    min_yaw: [-20],
    max_yaw: [20],
    min_roll: [-10],
    max_roll: [10],
  };
}

function livePortraitWeights(seed: string, values: SyntheticValues): LivePortraitWeights {
  const source = createFormulaSource(seed, new Map(), values);
  return {
    appearanceFeatureExtractor: source,
    motionExtractor: source,
    warpingModule: source,
    spadeGenerator: source,
  };
}

/** The sources of a synthetic bundle; `seed` picks the formula weights (the golden folders use "A"). */
export function syntheticBundleSources(
  kind: SyntheticBundleKind,
  seed = 'A',
  values: SyntheticValues = 'formula',
  locators?: JoyvasaBundleSources['locators'],
): JoyvasaBundleSources {
  const retargeting: WeightSource = createFormulaSource(seed, new Map(), values);
  const fixture = kind === 'fixture';
  const config = fixture ? fixtureMotionGeneratorConfig : releasedMotionGeneratorConfig;
  return {
    human: livePortraitWeights(seed, values),
    animal: livePortraitWeights(`${seed}:animal`, values),
    retargeting: { stitching: retargeting, lip: retargeting, eye: retargeting },
    motionGenerator: {
      weights: createFormulaSource(seed, new Map(), values),
      config,
      template: syntheticMotionTemplate(),
      audioConfig: fixture ? fixtureHubertConfig : chineseHubertBaseConfig,
      audioEncoderId: fixture ? 'fixture-hubert' : 'hubert-zh',
    },
    // With the locator models the stand-ins go: the crop then finds the photo's real face.
    ...(locators
      ? { locators }
      : {
          detectors: {
            faceDetector: fixtureFaceDetector(),
            landmarks106: fixtureLandmarks106(),
            landmarks203: fixtureLandmarks203(),
          },
        }),
    sizes: fixture ? fixtureLivePortraitSizes : officialLivePortraitSizes,
  };
}

/**
 * The plan of a synthetic bundle, ready for `writeBundle`. With `locators` (from `convertLocatorModels`)
 * the bundle carries the licence-clean locators instead of the stand-in InsightFace detectors; with
 * `rendererVariants`, those equivalent forms of the renderer beside the official one (default: one form).
 */
export function planSyntheticBundle(
  kind: SyntheticBundleKind,
  seed = 'A',
  values: SyntheticValues = 'formula',
  locators?: JoyvasaBundleSources['locators'],
  rendererVariants: readonly RendererVariant[] = [],
): BundlePlan {
  const sources = syntheticBundleSources(kind, seed, values, locators);
  return planJoyvasaBundle(rendererVariants.length > 0 ? { ...sources, rendererVariants } : sources, {
    name: locators ? `joyvasa-${kind}-locators` : `joyvasa-${kind}`,
    version: '1.0.0',
    provenance: kind,
  });
}
