import { describe, expect, it } from 'vitest';
import * as root from './index.js';
import * as internal from './internal.js';

// The root entry is the stable surface listed in README.md: a name added or dropped here is a decision.
const publicValues = [
  'assertSourceOptions',
  'createInsightFaceLocator',
  'createLivePortraitRenderer',
  'createMediaPipeFaceLocator',
  'createMemoryVariantChoiceCache',
  'createNanoDetAnimalLocator',
  'decodeImage',
  'imageBitmapToRgb',
  'imageToTensor',
  'loadLivePortrait',
  'loadMaskTemplate',
  'pasteBack',
  'preparePasteBackMask',
  'prepareSource',
  'tensorToImage',
  'version',
];

describe('@joyvasa/liveportrait entries', () => {
  it('exports exactly the listed values from the root', () => {
    expect(Object.keys(root).sort()).toEqual(publicValues);
  });

  it('keeps the building blocks behind ./internal, the root values included', () => {
    const rootValues: Record<string, unknown> = { ...root };
    for (const name of publicValues) expect(internal).toHaveProperty(name, rootValues[name]);
    expect(internal).toHaveProperty('cropSource');
    expect(internal).toHaveProperty('parseKeypointInfo');
    expect(root).not.toHaveProperty('cropSource');
    expect(root).not.toHaveProperty('createKeypointDriver');
  });
});
