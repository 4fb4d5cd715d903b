// model-builder does not depend on a runtime; its tests borrow the node backend's source.
import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createTensor, type TensorLike } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { tinySpadeConfig } from '../../../test/tiny-spade-config.js';
import { formulaInput } from '../../synthetic/formula.js';
import { createFormulaSource } from '../../synthetic/formula-source.js';
import type { WeightSource } from '../../weights/weight-source.js';
import { buildSpadeGenerator } from './spade-generator.js';

const tiny = tinySpadeConfig;

async function generate(weights: WeightSource): Promise<TensorLike> {
  const model = buildSpadeGenerator(weights, tiny).encode();
  const session = await createOnnxNodeBackend().createSession(model, { device: 'cpu' });
  const { image } = await session.run({ feature: formulaInput('tiny', 'feature', [1, 8, 8, 8]) });
  await session.dispose();
  return image!;
}

describe('buildSpadeGenerator', () => {
  it('maps feature [1, C, S, S] to an image [1, 3, 8S, 8S] in [0, 1] on a tiny config', async () => {
    const image = await generate(createFormulaSource('tiny'));
    expect(image.dims).toEqual([1, 3, 64, 64]);
    const values = Array.from(image.data as Float32Array);
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1e-3);
  });

  it('renders a batch of feature maps as it renders each alone', async () => {
    const session = await createOnnxNodeBackend().createSession(
      buildSpadeGenerator(createFormulaSource('tiny'), tiny).encode(),
      { device: 'cpu' },
    );
    const [a, b] = ['feature', 'feature_2'].map((tag) => formulaInput('tiny', tag, [1, 8, 8, 8]));
    const both = new Float32Array(a!.data.length * 2);
    both.set(a!.data);
    both.set(b!.data, a!.data.length);
    const alone = [(await session.run({ feature: a! })).image!, (await session.run({ feature: b! })).image!];
    const { image } = await session.run({ feature: createTensor('float32', [2, 8, 8, 8], both) });
    await session.dispose();
    expect(image!.dims).toEqual([2, 3, 64, 64]);
    const half = alone[0]!.data.length;
    let worst = 0;
    let apart = 0;
    for (let i = 0; i < half; i++) {
      worst = Math.max(worst, Math.abs(Number(image!.data[i]) - Number(alone[0]!.data[i])));
      worst = Math.max(worst, Math.abs(Number(image!.data[half + i]) - Number(alone[1]!.data[i])));
      apart = Math.max(apart, Math.abs(Number(alone[0]!.data[i]) - Number(alone[1]!.data[i])));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(apart).toBeGreaterThan(1e-3);
  });

  it('bakes spectral norm: scaling a weight_orig leaves the image unchanged', async () => {
    const formula = createFormulaSource('tiny');
    const scaled: WeightSource = {
      ...formula,
      get(key, shape) {
        const tensor = formula.get(key, shape);
        if (!key.endsWith('.weight_orig')) return tensor;
        return createTensor(
          'float32',
          shape,
          Float32Array.from(tensor.data, (v) => v * 3),
        );
      },
    };
    const [a, b] = [await generate(formula), await generate(scaled)];
    let worst = 0;
    for (let i = 0; i < a.data.length; i++)
      worst = Math.max(worst, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    expect(worst).toBeLessThan(1e-5);
  });
});
