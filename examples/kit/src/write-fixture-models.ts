import type { ModelManifest } from '@joyvasa/core';
import { type LivePortraitSizes, planJoyvasaBundle } from '@joyvasa/model-builder';
import { writeBundle } from '@joyvasa/model-builder/node';
import {
  fixtureLivePortraitSizes,
  planSyntheticBundle,
  syntheticBundleSources,
} from '@joyvasa/model-builder/synthetic';

/**
 * Writes the fixture bundle (tiny networks with formula weights) into `directory`: the examples run end to
 * end with it, without the official weights, but its frames are textures, not a face.
 */
export function writeFixtureModels(directory: string): Promise<ModelManifest> {
  return writeBundle(directory, planSyntheticBundle('fixture'));
}

const { appearanceFeatureExtractor, warpingModule, spadeGenerator } = fixtureLivePortraitSizes;

/**
 * The fixture's LivePortrait networks at half their channels from the appearance volume on (8 → 4 channels,
 * W's output 16 → 8, G's layers 16 → 8): the same graphs, forms, inputs and outputs at every other size.
 * For runs on SwiftShader's CPU-emulated WebGPU, where G costs about a third of a frame at the fixture's
 * sizes and less than half of that here.
 */
const slimFixtureLivePortraitSizes: LivePortraitSizes = {
  ...fixtureLivePortraitSizes,
  appearanceFeatureExtractor: { ...appearanceFeatureExtractor, maxFeatures: 8, reshapeChannel: 4 },
  warpingModule: {
    ...warpingModule,
    // out = blockExpansion · 2^numDownBlocks = 8, G's input min(maxFeatures, blockExpansion · 2^downs).
    blockExpansion: 2,
    maxFeatures: 8,
    reshapeChannel: 4,
    denseMotion: { ...warpingModule.denseMotion, blockExpansion: 2, maxFeatures: 8 },
  },
  spadeGenerator: { ...spadeGenerator, blockExpansion: 4, maxFeatures: 8, spadeHidden: 4, outChannels: 4 },
};

/** Writes the fixture bundle with {@link slimFixtureLivePortraitSizes} into `directory`. */
export function writeSlimFixtureModels(directory: string): Promise<ModelManifest> {
  const sources = { ...syntheticBundleSources('fixture'), sizes: slimFixtureLivePortraitSizes };
  return writeBundle(
    directory,
    planJoyvasaBundle(sources, { name: 'joyvasa-fixture-slim', version: '1.0.0', provenance: 'fixture' }),
  );
}
