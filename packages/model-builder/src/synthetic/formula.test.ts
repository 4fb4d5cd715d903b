import { describe, expect, it } from 'vitest';
import {
  fnv1a32,
  formulaInput,
  formulaParameter,
  randomParameter as formulaParameterRandom,
  pytorchDefaultParameter,
} from './formula.js';
import { createFormulaSource } from './formula-source.js';

// Expected values computed independently with NumPy from the golden README's definition
// (float64, rounded to float32), seed "A".
const expectations: Array<[string, number[], [number, number, number]]> = [
  ['first.conv.weight', [64, 3, 3, 3], [0.06039820984005928, 0.1738295555114746, -0.30883947014808655]],
  ['first.norm.running_var', [64], [0.9597331881523132, 0.8673380613327026, 0.9202276468276978]],
  ['first.norm.running_mean', [64], [0.034733012318611145, 0.06829658150672913, 0.033999744802713394]],
  ['first.norm.weight', [64], [0.9321587681770325, 0.9156441688537598, 1.0291266441345215]],
  ['first.conv.bias', [64], [0.018262606114149094, 0.018637942150235176, -0.01053615938872099]],
  [
    'detector.stages.0.0.grn.gamma',
    [1, 1, 1, 384],
    [0.402935266494751, 0.3383868336677551, -0.29712778329849243],
  ],
  ['start_motion_feat', [1, 25, 70], [0.3529262840747833, 0.2586454749107361, -0.047630567103624344]],
];

describe('formula weights', () => {
  it('hashes with 32-bit FNV-1a over UTF-8', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('A:first.conv.weight')).toBe(0xe3ff0b2a);
    expect(fnv1a32('A:déjà')).toBe(0x110017);
  });

  it.each(expectations)('reproduces %s bit for bit', (key, shape, [first, second, last]) => {
    const tensor = formulaParameter('A', key, shape);
    expect(tensor.type).toBe('float32');
    expect(tensor.dims).toEqual(shape);
    const data = tensor.data as Float32Array;
    expect([data[0], data[1], data[data.length - 1]]).toEqual([first, second, last]);
  });

  it('gives num_batches_tracked as int64 zeros', () => {
    const tensor = formulaParameter('A', 'first.norm.num_batches_tracked', []);
    expect(tensor.type).toBe('int64');
    expect(Array.from(tensor.data as BigInt64Array)).toEqual([0n]);
  });

  it('depends on the seed and the key', () => {
    const a = formulaParameter('A', 'x.bias', [8]).data;
    expect(formulaParameter('B', 'x.bias', [8]).data).not.toEqual(a);
    expect(formulaParameter('A', 'y.bias', [8]).data).not.toEqual(a);
  });

  it('maps inputs into [lo, hi]', () => {
    const input = formulaInput('A', 'image', [1, 3, 8, 8], 0, 1).data;
    expect(Math.min(...input)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
  });
});

describe('random parameters', () => {
  it('follow the same per-key rules on deterministic uniform values', () => {
    const a = formulaParameterRandom('A', 'x.weight', [64, 32]).data as Float32Array;
    expect(formulaParameterRandom('A', 'x.weight', [64, 32]).data).toEqual(a);
    expect(formulaParameterRandom('B', 'x.weight', [64, 32]).data).not.toEqual(a);
    const bound = Math.sqrt(3 / 32);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(bound);
    const variance = a.reduce((sum, v) => sum + v * v, 0) / a.length;
    expect(variance).toBeGreaterThan(0.8 / 32);
    expect(variance).toBeLessThan(1.2 / 32);
    const runningVar = formulaParameterRandom('A', 'n.running_var', [100]).data as Float32Array;
    expect(Math.min(...runningVar)).toBeGreaterThanOrEqual(0.75);
  });
});

describe('PyTorch-default-like parameters', () => {
  const extremes = (values: ArrayLike<number | bigint>) => {
    const list = Array.from(values, Number);
    return [Math.min(...list), Math.max(...list)];
  };

  it('draws conv weights and biases within ±1/sqrt(fan_in), filling it, and norms as constructed', () => {
    const source = createFormulaSource('A', new Map(), 'pytorch-default');
    const bound = 1 / Math.sqrt(32 * 9);
    for (const key of ['conv.weight', 'conv.bias']) {
      const [low, high] = extremes(source.get(key, key.endsWith('weight') ? [64, 32, 3, 3] : [64]).data);
      expect(-low!).toBeLessThanOrEqual(bound);
      expect(high!).toBeLessThanOrEqual(bound);
      expect(high! - low!).toBeGreaterThan(1.5 * bound);
    }
    expect(extremes(source.get('norm.weight', [8]).data)).toEqual([1, 1]);
    expect(extremes(source.get('norm.bias', [8]).data)).toEqual([0, 0]);
    expect(extremes(source.get('norm.running_var', [8]).data)).toEqual([1, 1]);
    expect(extremes(source.get('norm.running_mean', [8]).data)).toEqual([0, 0]);
  });

  it('is deterministic per seed and key', () => {
    const a = pytorchDefaultParameter('A', 'x.weight', [4, 4]).data;
    expect(pytorchDefaultParameter('A', 'x.weight', [4, 4]).data).toEqual(a);
    expect(pytorchDefaultParameter('B', 'x.weight', [4, 4]).data).not.toEqual(a);
  });
});
