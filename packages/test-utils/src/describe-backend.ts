import {
  type BackendV1,
  createTensor,
  type Device,
  isTensorLike,
  ModelLoadError,
  SessionRunError,
  UnsupportedDeviceError,
} from '@joyvasa/core';
import { describe, expect, it } from 'vitest';

export { maxAbsDiff } from './max-abs-diff.js';

import { describeDeviceTensorCases, describeFixedAxesCases } from './device-tensor-cases.js';
import { maxAbsDiff } from './max-abs-diff.js';
import { gatherModel, mlpModel, testInput } from './tiny-models.js';

/**
 * The `BackendV1` conformance suite: every backend, on every device it claims, must pass the same tests.
 * `foreignDevice` is a device this backend must refuse.
 */
export function describeBackendConformance(
  label: string,
  createBackend: () => BackendV1,
  device: Device,
  foreignDevice: Device,
): void {
  describe(`BackendV1 conformance: ${label} on ${device}`, () => {
    const backend = createBackend();

    it('declares the v1 specification and lists the device', async () => {
      expect(backend.specificationVersion).toBe('v1');
      expect(await backend.supportedDevices()).toContain(device);
      expect(await backend.resolveDevice(device)).toBe(device);
    });

    it('refuses a device it does not have, listing what it has', async () => {
      const error = await backend.resolveDevice(foreignDevice).catch((e: unknown) => e);
      expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
      expect((error as UnsupportedDeviceError).supported).toContain(device);
    });

    it('runs a model and returns plain tensors matching the reference', async () => {
      const model = mlpModel();
      const session = await backend.createSession(model.bytes, { device, name: 'mlp' });
      expect(session.device).toBe(device);
      expect([...session.inputNames]).toEqual(['x']);
      expect([...session.outputNames].sort()).toEqual(['y', 'z']);
      const x = testInput([5, 4]);
      const outputs = await session.run({ x });
      const reference = model.reference(x);
      expect(isTensorLike(outputs.y)).toBe(true);
      expect(outputs.y!.dims).toEqual([5, 3]);
      expect(outputs.y!.type).toBe('float32');
      expect(maxAbsDiff(outputs.y!.data as Float32Array, reference.y)).toBeLessThan(1e-5);
      expect(maxAbsDiff(outputs.z!.data as Float32Array, reference.z)).toBeLessThan(1e-5);
      await session.dispose();
      await session.dispose();
    });

    it('takes int64 inputs', async () => {
      const model = gatherModel();
      const session = await backend.createSession(model.bytes, { device });
      const index = createTensor('int64', [2], BigInt64Array.from([3n, 1n]));
      const { rows } = await session.run({ index });
      expect(Array.from(rows!.data as Float32Array)).toEqual([
        ...model.table.slice(12, 16),
        ...model.table.slice(4, 8),
      ]);
      await session.dispose();
    });

    it('reports missing inputs and runs after dispose as SessionRunError', async () => {
      const session = await backend.createSession(mlpModel().bytes, { device, name: 'mlp' });
      const missing = await session.run({}).catch((e: unknown) => e);
      expect(SessionRunError.isInstance(missing)).toBe(true);
      expect((missing as Error).message).toMatch(/missing inputs x/);
      await session.dispose();
      const late = await session.run({ x: testInput([1, 4]) }).catch((e: unknown) => e);
      expect(SessionRunError.isInstance(late)).toBe(true);
    });

    it('reports wrong feeds as SessionRunError naming the component', async () => {
      const session = await backend.createSession(mlpModel().bytes, { device, name: 'mlp' });
      const error = await session.run({ x: testInput([2, 7]) }).catch((e: unknown) => e);
      expect(SessionRunError.isInstance(error)).toBe(true);
      expect((error as SessionRunError).component).toBe('mlp');
      await session.dispose();
    });

    it('returns only the outputs a run asks for, and refuses an unknown name', async () => {
      const model = mlpModel();
      const session = await backend.createSession(model.bytes, { device, name: 'mlp' });
      const x = testInput([3, 4]);
      const outputs = await session.run({ x }, { outputs: ['z'] });
      expect(Object.keys(outputs)).toEqual(['z']);
      expect(maxAbsDiff(outputs.z!.data as Float32Array, model.reference(x).z)).toBeLessThan(1e-5);
      const error = await session.run({ x }, { outputs: ['nope'] }).catch((e: unknown) => e);
      expect(SessionRunError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/nope/);
      await session.dispose();
    });

    describeDeviceTensorCases(createBackend, backend, device);
    describeFixedAxesCases(backend, device);

    it('rejects bytes that are not a model with ModelLoadError', async () => {
      const truncated = mlpModel().bytes.slice(0, 40);
      const error = await backend
        .createSession(truncated, { device, name: 'broken' })
        .catch((e: unknown) => e);
      expect(ModelLoadError.isInstance(error)).toBe(true);
    });

    it('stops on an aborted signal', async () => {
      const session = await backend.createSession(mlpModel().bytes, { device });
      const controller = new AbortController();
      controller.abort();
      const error = await session
        .run({ x: testInput([1, 4]) }, { signal: controller.signal })
        .catch((e) => e);
      expect((error as Error).name).toBe('AbortError');
      await session.dispose();
    });
  });
}
