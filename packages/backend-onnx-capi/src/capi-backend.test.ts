import { UnsupportedDeviceError } from '@joyvasa/core';
import { describeBackendConformance, mlpModel, testInput } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { createOnnxCapiBackend } from './capi-backend.js';

describeBackendConformance('onnx-capi', () => createOnnxCapiBackend(), 'cpu', 'wasm');

describe('the onnx-capi backend', () => {
  it('releases every onnxruntime object it created when sessions and uploads are disposed', async () => {
    const backend = createOnnxCapiBackend();
    const model = mlpModel();
    const session = await backend.createSession(model.bytes, { device: 'cpu', name: 'mlp' });
    const held = await session.upload!(testInput([2, 4]));
    await session.run({ x: held });
    await session.run({ x: testInput([3, 4]) }, { outputs: ['y'] });
    await session.run({ x: testInput([2, 7]) }).catch(() => undefined);
    const during = await backend.aliveObjects();
    expect(during).toEqual({ session: 1, 'io-binding': 1, value: 1 });
    await held.dispose();
    await session.dispose();
    expect(await backend.aliveObjects()).toEqual({});
  });

  it('names what to install when the library is missing, without crashing', async () => {
    const backend = createOnnxCapiBackend({ libraryPath: '/nonexistent/libonnxruntime.so.1' });
    expect(await backend.supportedDevices()).toEqual([]);
    const error = await backend.resolveDevice('cpu').catch((e: unknown) => e);
    expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/npm install onnxruntime-node koffi/);
  });

  it('refuses cuda here with the reason, naming the provider to install', async () => {
    const backend = createOnnxCapiBackend();
    const supported = await backend.supportedDevices();
    if (supported.includes('cuda')) return; // a machine with the CUDA provider: nothing to refuse
    const error = await backend.resolveDevice('cuda').catch((e: unknown) => e);
    expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/libonnxruntime_providers_cuda/);
  });

  it('falls back from cuda to cpu for auto where CUDA is missing, and says so', async () => {
    const backend = createOnnxCapiBackend();
    if ((await backend.supportedDevices()).includes('cuda')) return;
    const events: unknown[] = [];
    expect(await backend.resolveDevice('auto', (event) => events.push(event))).toBe('cpu');
    expect(events).toEqual([
      { type: 'backend-fallback', backend: 'onnx-capi', device: 'cpu', skipped: ['cuda'] },
    ]);
  });
});
