import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  appearanceFeatureExtractorStateDict,
  motionExtractorStateDict,
  type StateDictEntry,
  spadeGeneratorStateDict,
  warpingModuleStateDict,
} from '@joyvasa/model-builder';
import { describe, expect, it } from 'vitest';
import type { GoldenManifest } from './golden-case.js';

/** The golden folder lives beside the repository (`../shared/golden/seed-a`) unless JOYVASA_GOLDEN_DIR says. */
const folder =
  process.env.JOYVASA_GOLDEN_DIR ??
  fileURLToPath(new URL('../../../../shared/golden/seed-a/', import.meta.url));
const manifestPath = `${folder}/manifest.json`;

const declared: [string, () => StateDictEntry[]][] = [
  ['appearance_feature_extractor', () => appearanceFeatureExtractorStateDict()],
  ['motion_extractor', () => motionExtractorStateDict()],
  ['warping_module', () => warpingModuleStateDict()],
  ['spade_generator', () => spadeGeneratorStateDict()],
];

describe.skipIf(!existsSync(manifestPath))('LivePortrait state dicts against the golden manifest', () => {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as GoldenManifest;

  it.each(declared)(
    '%s declares exactly the official keys and shapes, in state-dict order',
    (module, stateDict) => {
      const official = (manifest.modules[module]?.state_dict ?? []).map(({ key, shape }) => ({ key, shape }));
      expect(official.length).toBeGreaterThan(0);
      expect(stateDict()).toEqual(official);
    },
  );
});
