import type { Float32Tensor, TensorLike } from '@joyvasa/core';
import { tensorSize } from '@joyvasa/core';
import { createStateDictSource, toFloat32, type WeightSource } from '../weights/weight-source.js';
import { formulaParameter, pytorchDefaultParameter, randomParameter } from './formula.js';
import { spectralVectors } from './spectral-vectors.js';

/**
 * Which values synthetic weights take: the golden `formula`, the same rules on pseudo-random values
 * (`random`, see `randomParameter`), or PyTorch-default-like values (`pytorch-default`, see
 * `pytorchDefaultParameter`: what the official modules hold when constructed, as the official benchmark
 * script runs them).
 */
export type SyntheticValues = 'formula' | 'random' | 'pytorch-default';

/**
 * Formula weights (or, with `values`, pseudo-random ones; see {@link SyntheticValues}) for every key asked for, except `overrides`, which are served as given. Spectral-norm
 * vectors (`weight_u`, `weight_v`) are the top singular vectors of the layer's formula `weight_orig`, as the
 * golden tooling made them, unless `overrides` supply them (the golden folder stores its own).
 */
export function createFormulaSource(
  seed: string,
  overrides: ReadonlyMap<string, TensorLike> = new Map(),
  values: SyntheticValues = 'formula',
): WeightSource {
  // Fan-in of each layer whose weight was served: PyTorch's default bias bound depends on it.
  const fanIns = new Map<string, number>();
  const parameter = (key: string, shape: readonly number[]): TensorLike => {
    if (values === 'formula') return formulaParameter(seed, key, shape);
    if (values === 'random') return randomParameter(seed, key, shape);
    const layer = key.replace(/\.(weight(_orig)?|bias)$/, '');
    if (/weight(_orig)?$/.test(key) && shape.length >= 2) fanIns.set(layer, tensorSize(shape) / shape[0]!);
    return pytorchDefaultParameter(seed, key, shape, key.endsWith('bias') ? fanIns.get(layer) : undefined);
  };
  const served = new Set<string>();
  const spectral = new Map<string, { u: Float32Tensor; v: Float32Tensor }>();
  const get = (key: string, shape: readonly number[]): Float32Tensor => {
    served.add(key);
    const override = overrides.get(key);
    if (override) return createStateDictSource(overrides).get(key, shape);
    const vector = /^(.*)\.weight_([uv])$/.exec(key);
    if (vector) {
      // Spectral-norm vectors cannot come from the formula; like the golden tooling, take the top singular
      // vectors of the layer's formula weight_orig (viewed as [out, -1], which is what σ depends on).
      const layer = vector[1]!;
      const pair = spectral.get(layer);
      if (!pair) throw new Error(`${key} asked for before ${layer}.weight_orig`);
      return pair[vector[2] as 'u' | 'v'];
    }
    const tensor = toFloat32(key, parameter(key, shape));
    if (key.endsWith('.weight_orig') && !overrides.has(key.replace(/orig$/, 'u'))) {
      spectral.set(key.slice(0, -'.weight_orig'.length), spectralVectors(tensor));
    }
    return tensor;
  };
  return {
    get,
    shapeOf: (key) => overrides.get(key)?.dims,
    keys: () => [...new Set([...served, ...overrides.keys()])],
    synthetic: true,
  };
}
