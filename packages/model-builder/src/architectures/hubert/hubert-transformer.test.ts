import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { formulaParameter } from '../../synthetic/formula.js';
import { createStateDictSource } from '../../weights/weight-source.js';
import type { HubertConfig } from './hubert-config.js';
import { positionalConvWeight } from './hubert-transformer.js';

const config = { hiddenSize: 8, numConvPosEmbeddings: 6, numConvPosEmbeddingGroups: 2 } as HubertConfig;
const prefix = 'encoder.pos_conv_embed.conv';
const g = formulaParameter('P', 'g', [1, 1, 6]) as TensorLike<'float32'>;
const v = formulaParameter('P', 'v', [8, 4, 6]) as TensorLike<'float32'>;

/** `g · v / ‖v‖`, the norm over the output and input channels for each kernel tap. */
function expectedKernel(): number[] {
  const norms = [0, 1, 2, 3, 4, 5].map((tap) =>
    Math.sqrt(v.data.reduce((sum, value, i) => (i % 6 === tap ? sum + value * value : sum), 0)),
  );
  return Array.from(v.data, (value, i) => (g.data[i % 6]! * value) / norms[i % 6]!);
}

function closeTo(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  const worst = expected.reduce((w, value, i) => Math.max(w, Math.abs(actual[i]! - value)), 0);
  expect(worst).toBeLessThan(1e-6);
}

describe('positionalConvWeight', () => {
  it('bakes weight norm stored as parametrizations.weight.original0 / original1', () => {
    const source = createStateDictSource(
      new Map([
        [`${prefix}.parametrizations.weight.original0`, g],
        [`${prefix}.parametrizations.weight.original1`, v],
      ]),
    );
    closeTo(positionalConvWeight(source, config).data, expectedKernel());
  });

  it('bakes legacy weight_g / weight_v to the same kernel', () => {
    const source = createStateDictSource(
      new Map([
        [`${prefix}.weight_g`, g],
        [`${prefix}.weight_v`, v],
      ]),
    );
    closeTo(positionalConvWeight(source, config).data, expectedKernel());
  });

  it('takes an already baked weight as it is', () => {
    const baked = createTensor('float32', [8, 4, 6], Float32Array.from(expectedKernel()));
    const source = createStateDictSource(new Map([[`${prefix}.weight`, baked]]));
    expect(positionalConvWeight(source, config)).toBe(baked);
  });

  it('names the parametrizations key when neither form is there', () => {
    expect(() => positionalConvWeight(createStateDictSource(new Map()), config)).toThrow(/original0/);
  });
});
