import { createOnnxNodeBackend } from '@joyvasa/backend-onnx-node';
import { createOnnxWebBackend } from '@joyvasa/backend-onnx-web';
import { describe, expect, it } from 'vitest';
import { describeBackendConformance, maxAbsDiff } from './describe-backend.js';
import { convModel, mlpModel, testInput } from './tiny-models.js';

describeBackendConformance('onnx-node', () => createOnnxNodeBackend(), 'cpu', 'wasm');
describeBackendConformance(
  'onnx-node in worker threads',
  () => createOnnxNodeBackend({ thread: 'worker' }),
  'cpu',
  'wasm',
);
describeBackendConformance('onnx-web', () => createOnnxWebBackend(), 'wasm', 'cuda');

describe('the same model on node-cpu and web-wasm', () => {
  for (const model of [mlpModel(), convModel()]) {
    it(`gives the same ${model.name} outputs within 1e-5`, async () => {
      const input = model.name === 'mlp' ? testInput([3, 4]) : testInput([1, 3, 16, 16]);
      const feeds = { [model.inputNames[0]!]: input };
      const node = await createOnnxNodeBackend().createSession(model.bytes, { device: 'cpu' });
      const web = await createOnnxWebBackend().createSession(model.bytes, { device: 'wasm' });
      const a = await node.run(feeds);
      const b = await web.run(feeds);
      for (const name of model.outputNames) {
        expect(a[name]!.dims).toEqual(b[name]!.dims);
        expect(maxAbsDiff(a[name]!.data as Float32Array, b[name]!.data as Float32Array)).toBeLessThan(1e-5);
      }
      await node.dispose();
      await web.dispose();
    });
  }
});

describe('onnx-node sessions in worker threads', () => {
  it('give exactly the outputs of sessions on the calling thread', async () => {
    for (const model of [mlpModel(), convModel()]) {
      const input = model.name === 'mlp' ? testInput([3, 4]) : testInput([1, 3, 16, 16]);
      const feeds = { [model.inputNames[0]!]: input };
      const main = await createOnnxNodeBackend().createSession(model.bytes, { device: 'cpu' });
      const worker = await createOnnxNodeBackend({ thread: 'worker' }).createSession(model.bytes, {
        device: 'cpu',
      });
      const a = await main.run(feeds);
      const b = await worker.run(feeds);
      for (const name of model.outputNames) {
        expect(b[name]!.dims).toEqual(a[name]!.dims);
        expect(Array.from(b[name]!.data as Float32Array)).toEqual(Array.from(a[name]!.data as Float32Array));
      }
      await Promise.all([main.dispose(), worker.dispose()]);
    }
  });
});
