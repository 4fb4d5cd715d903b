import { createTensor, tensorSize } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import type { GraphBuilder } from '../../onnx/graph-builder.js';
import { auditWeights, type WeightSource } from '../../weights/weight-source.js';
import {
  appearanceFeatureExtractorStateDict,
  buildAppearanceFeatureExtractor,
} from './appearance-feature-extractor.js';
import { buildMotionExtractor, motionExtractorStateDict } from './motion-extractor.js';
import { buildSpadeGenerator, spadeGeneratorStateDict } from './spade-generator.js';
import { inferenceEntries, type StateDictEntry } from './state-dict-entries.js';
import { buildWarpingModule, warpingModuleStateDict } from './warping-module.js';

/** Serves zeros of any shape and records the shape each key was asked for (a full-size build in ~1 s). */
function shapeRecorder(): { source: WeightSource; shapes: Map<string, readonly number[]> } {
  const shapes = new Map<string, readonly number[]>();
  const source: WeightSource = {
    get(key, shape) {
      shapes.set(key, shape);
      return createTensor('float32', shape, new Float32Array(tensorSize(shape)));
    },
    shapeOf: (key) => shapes.get(key),
    keys: () => [...shapes.keys()],
    synthetic: true,
  };
  return { source, shapes };
}

const architectures: [string, number, () => StateDictEntry[], (weights: WeightSource) => GraphBuilder][] = [
  [
    'appearance_feature_extractor',
    107,
    () => appearanceFeatureExtractorStateDict(),
    (w) => buildAppearanceFeatureExtractor(w),
  ],
  ['motion_extractor', 212, () => motionExtractorStateDict(), (w) => buildMotionExtractor(w)],
  ['warping_module', 97, () => warpingModuleStateDict(), (w) => buildWarpingModule(w)],
  ['spade_generator', 182, () => spadeGeneratorStateDict(), (w) => buildSpadeGenerator(w)],
];

describe.each(architectures)('%s state dict', (_name, count, stateDict, build) => {
  it(`declares the official ${count} keys, each once`, () => {
    const keys = stateDict().map((entry) => entry.key);
    expect(keys).toHaveLength(count);
    expect(new Set(keys).size).toBe(count);
  });

  it('is read in full by the full-size build, every key with its declared shape', () => {
    const { source, shapes } = shapeRecorder();
    const { source: audited, audit } = auditWeights(source);
    build(audited);
    expect(audit.problems).toEqual([]);
    expect(new Set(audit.used).size).toBe(audit.used.length);
    const expected = inferenceEntries(stateDict());
    expect([...shapes].map(([key, shape]) => ({ key, shape })).sort(byKey)).toEqual(
      [...expected].sort(byKey),
    );
  });
});

function byKey(a: StateDictEntry, b: StateDictEntry): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

describe('inferenceEntries', () => {
  it('drops only BatchNorm update counters', () => {
    const entries = [
      { key: 'first.norm.running_var', shape: [4] },
      { key: 'first.norm.num_batches_tracked', shape: [] },
    ];
    expect(inferenceEntries(entries)).toEqual([entries[0]]);
  });
});
