import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTensor, ModelLoadError, UnsupportedDeviceError } from '@joyvasa/core';
import { GraphBuilder } from '@joyvasa/model-builder/onnx';
import {
  affineModel,
  describeBackendConformance,
  maxAbsDiff,
  mlpModel,
  testInput,
} from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { createOnnxCapiBackend } from './capi-backend.js';
import { defaultLibraryPath } from './ort-library.js';

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
    expect(during).toEqual({ session: 1, 'io-binding': 1, 'run-options': 1, value: 1 });
    await held.dispose();
    await session.dispose();
    expect(await backend.aliveObjects()).toEqual({});
  });

  it('releases the outputs runToDevice kept, whether disposed or left to their session', async () => {
    const backend = createOnnxCapiBackend();
    const first = await backend.createSession(mlpModel().bytes, { device: 'cpu', name: 'mlp' });
    const second = await backend.createSession(affineModel().bytes, { device: 'cpu', name: 'affine' });
    const kept = await first.runToDevice!({ x: testInput([2, 4]) });
    await second.run({ y: kept.y! });
    expect((await backend.aliveObjects()).value).toBe(2);
    await kept.y!.dispose();
    expect((await backend.aliveObjects()).value).toBe(1);
    await first.dispose(); // frees z, left undisposed
    await second.dispose();
    expect(await backend.aliveObjects()).toEqual({});
  });

  it('leaves the event loop free while a model runs', async () => {
    // Four 256×512 by 512×512 products: tens of milliseconds of native work on one thread.
    const graph = new GraphBuilder('heavy');
    let value = graph.input('x', 'float32', [256, 512]);
    const weight = graph.initializer(
      createTensor('float32', [512, 512], new Float32Array(512 * 512).fill(1e-3)),
    );
    for (let i = 0; i < 4; i++) value = graph.matmul(value, weight);
    graph.output(value, 'y', 'float32', [256, 512]);
    const session = await createOnnxCapiBackend().createSession(graph.encode(), {
      device: 'cpu',
      threads: 1,
    });
    let settled = false;
    const running = session.run({ x: testInput([256, 512]) }).then(() => {
      settled = true;
    });
    // A run on the JavaScript thread would settle before the loop turned once.
    const turnedWhileRunning = await new Promise<boolean>((resolve) => setImmediate(() => resolve(!settled)));
    await running;
    expect(turnedWhileRunning).toBe(true);
    await session.dispose();
  });

  it('stops a run when its signal aborts, and runs again afterwards', async () => {
    const backend = createOnnxCapiBackend();
    const model = mlpModel();
    const session = await backend.createSession(model.bytes, { device: 'cpu', threads: 1 });
    const controller = new AbortController();
    const running = session.run({ x: testInput([50_000, 4]) }, { signal: controller.signal });
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    const x = testInput([3, 4]);
    const { y } = await session.run({ x });
    expect(maxAbsDiff(y!.data as Float32Array, model.reference(x).y)).toBeLessThan(1e-5);
    await session.dispose();
  });

  it('names what to install when the library is missing, without crashing', async () => {
    const backend = createOnnxCapiBackend({ libraryPath: '/nonexistent/libonnxruntime.so.1' });
    expect(await backend.supportedDevices()).toEqual([]);
    const error = await backend.resolveDevice('cpu').catch((e: unknown) => e);
    expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/npm install onnxruntime-node koffi/);
  });

  it("words a rejected model with onnxruntime's own message", async () => {
    const backend = createOnnxCapiBackend();
    const error = await backend
      .createSession(mlpModel().bytes.slice(0, 40), { device: 'cpu', name: 'broken' })
      .catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/broken.*onnxruntime rejected the model on cpu: .*protobuf/);
  });

  it("refuses cuda when the provider library does not load, with onnxruntime's message", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'capi-provider-'));
    try {
      symlinkSync(defaultLibraryPath()!, join(folder, 'libonnxruntime.so.1'));
      writeFileSync(join(folder, 'libonnxruntime_providers_cuda.so'), 'not a library');
      const backend = createOnnxCapiBackend({ libraryPath: join(folder, 'libonnxruntime.so.1') });
      expect(await backend.supportedDevices()).toEqual(['cpu']);
      const error = await backend.resolveDevice('cuda').catch((e: unknown) => e);
      expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/onnxruntime: .*Failed to load library/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
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
