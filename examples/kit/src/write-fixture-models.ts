import type { ModelManifest } from '@joyvasa/core';
import { writeBundle } from '@joyvasa/model-builder/node';
import { planSyntheticBundle } from '@joyvasa/model-builder/synthetic';

/**
 * Writes the fixture bundle (tiny networks with formula weights) into `directory`: the examples run end to
 * end with it, without the official weights, but its frames are textures, not a face.
 */
export function writeFixtureModels(directory: string): Promise<ModelManifest> {
  return writeBundle(directory, planSyntheticBundle('fixture'));
}
