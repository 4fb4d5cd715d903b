import { type BackendV1, type Device, isDeviceTensor, SessionRunError } from '@joyvasa/core';
import { expect, it } from 'vitest';
import { maxAbsDiff } from './max-abs-diff.js';
import { affineModel, mlpModel, testInput } from './tiny-models.js';

const refusal = (run: Promise<unknown>) =>
  run.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

/**
 * The `DeviceTensor` contract: a tensor made by `upload` or `runToDevice` is taken by any session of the
 * same backend on the same device; one disposed, one whose maker was disposed, or one from another backend
 * object is a `SessionRunError` naming the input. Skipped for sessions without `upload` / `runToDevice`.
 */
export function describeDeviceTensorCases(
  createBackend: () => BackendV1,
  backend: BackendV1,
  device: Device,
): void {
  it('runs an uploaded tensor as the plain one, in any session of the backend, never after dispose', async () => {
    const model = mlpModel();
    const [session, other] = await Promise.all([
      backend.createSession(model.bytes, { device, name: 'mlp' }),
      backend.createSession(model.bytes, { device, name: 'other' }),
    ]);
    const stranger = await createBackend().createSession(model.bytes, { device, name: 'stranger' });
    const x = testInput([2, 4]);
    try {
      if (!session.upload) return;
      const held = await session.upload(x);
      expect(isDeviceTensor(held)).toBe(true);
      expect(held.dims).toEqual([2, 4]);
      for (const taker of [session, session, other]) {
        const { y } = await taker.run({ x: held });
        expect(maxAbsDiff(y!.data as Float32Array, model.reference(x).y)).toBeLessThan(1e-5);
      }
      const foreign = await refusal(stranger.run({ x: held }));
      expect(SessionRunError.isInstance(foreign)).toBe(true);
      expect(foreign!.message).toMatch(/input x .*another backend/);
      await held.dispose();
      await held.dispose();
      const late = await refusal(session.run({ x: held }));
      expect(SessionRunError.isInstance(late)).toBe(true);
      expect(late!.message).toMatch(/input x .*disposed/);
    } finally {
      await Promise.all([session.dispose(), other.dispose(), stranger.dispose()]);
    }
  });

  it("hands one session's outputs to another on the device as the host chain does (runToDevice)", async () => {
    const [mlp, affine] = [mlpModel(), affineModel()];
    const first = await backend.createSession(mlp.bytes, { device, name: 'first' });
    const second = await backend.createSession(affine.bytes, { device, name: 'second' });
    const stranger = await createBackend().createSession(affine.bytes, { device, name: 'stranger' });
    try {
      if (!first.runToDevice) return;
      const x = testInput([3, 4]);
      const kept = await first.runToDevice({ x }, { outputs: ['y'] });
      expect(Object.keys(kept)).toEqual(['y']);
      expect(isDeviceTensor(kept.y)).toBe(true);
      expect(kept.y!.dims).toEqual([3, 3]);
      const { y: hostY } = await first.run({ x }, { outputs: ['y'] });
      const { w } = await second.run({ y: kept.y! });
      expect(maxAbsDiff(w!.data as Float32Array, affine.reference(hostY!.data as Float32Array))).toBeLessThan(
        1e-5,
      );
      const foreign = await refusal(stranger.run({ y: kept.y! }));
      expect(SessionRunError.isInstance(foreign)).toBe(true);
      await kept.y!.dispose();
      const late = await refusal(second.run({ y: kept.y! }));
      expect(late!.message).toMatch(/input y .*disposed/);
      // Left undisposed: the session that made it frees it.
      const orphan = await first.runToDevice({ x });
      expect(Object.keys(orphan).sort()).toEqual(['y', 'z']);
      await first.dispose();
      const gone = await refusal(second.run({ y: orphan.y! }));
      expect(SessionRunError.isInstance(gone)).toBe(true);
    } finally {
      await Promise.all([first.dispose(), second.dispose(), stranger.dispose()]);
    }
  });
}

/** `SessionOptions.fixedAxes`: the specs report the fixed size, a feed of another size is refused. */
export function describeFixedAxesCases(backend: BackendV1, device: Device): void {
  it('fixes a free axis for a session, and refuses a feed of another size', async () => {
    const model = mlpModel();
    const session = await backend.createSession(model.bytes, { device, name: 'mlp', fixedAxes: { n: 2 } });
    try {
      if (session.inputSpecs) expect(session.inputSpecs.x!.dims).toEqual([2, 4]);
      if (session.outputSpecs) expect(session.outputSpecs.y!.dims).toEqual([2, 3]);
      const x = testInput([2, 4]);
      const { y } = await session.run({ x });
      expect(maxAbsDiff(y!.data as Float32Array, model.reference(x).y)).toBeLessThan(1e-5);
      const error = await refusal(session.run({ x: testInput([3, 4]) }));
      expect(SessionRunError.isInstance(error)).toBe(true);
      expect((error as SessionRunError).component).toBe('mlp');
    } finally {
      await session.dispose();
    }
  });
}
