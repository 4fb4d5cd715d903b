import { type OrtRuntime, probeModel } from '@joyvasa/backend-onnx-common';
import { createTensor, InvalidInputError, ModelLoadError, SessionRunError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createOnnxNodeBackend } from './onnx-node-backend.js';
import { runningSessionWorkers } from './worker-runtime.js';

const x = (value: number) => createTensor('float32', [1], Float32Array.of(value));

describe("createOnnxNodeBackend({ thread: 'worker' })", () => {
  it('runs each session in a worker thread that ends with the session', async () => {
    const backend = createOnnxNodeBackend({ thread: 'worker' });
    await backend.resolveDevice('cpu');
    await expect.poll(runningSessionWorkers, { timeout: 5000 }).toBe(0);
    const sessions = await Promise.all(
      [1, 2, 3].map(() => backend.createSession(probeModel(), { device: 'cpu', name: 'probe' })),
    );
    expect(runningSessionWorkers()).toBe(3);
    const outputs = await Promise.all(sessions.map((session, i) => session.run({ x: x(i + 0.5) })));
    expect(outputs.map(({ y }) => Array.from(y!.data as Float32Array))).toEqual([[0.5], [1.5], [2.5]]);
    await Promise.all(sessions.map((session) => session.dispose()));
    await expect.poll(runningSessionWorkers, { timeout: 5000 }).toBe(0);
  });

  it('ends the worker of a model that fails to load, with ModelLoadError', async () => {
    const backend = createOnnxNodeBackend({ thread: 'worker' });
    const error = await backend
      .createSession(probeModel().slice(0, 20), { device: 'cpu', name: 'broken' })
      .catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/broken/);
    await expect.poll(runningSessionWorkers, { timeout: 5000 }).toBe(0);
  });

  it("carries the runtime's error back as SessionRunError naming the component", async () => {
    const session = await createOnnxNodeBackend({ thread: 'worker' }).createSession(probeModel(), {
      device: 'cpu',
      name: 'probe',
    });
    const error = await session
      .run({ x: createTensor('int32', [1], Int32Array.of(1)) })
      .catch((e: unknown) => e);
    expect(SessionRunError.isInstance(error)).toBe(true);
    expect((error as SessionRunError).component).toBe('probe');
    expect((error as Error).message).toMatch(/int32/);
    // The session still works after a failed run.
    const { y } = await session.run({ x: x(4) });
    expect(Array.from(y!.data as Float32Array)).toEqual([4]);
    await session.dispose();
  });

  it('keeps an uploaded tensor in the worker across runs, and drops it on dispose', async () => {
    const session = await createOnnxNodeBackend({ thread: 'worker' }).createSession(probeModel(), {
      device: 'cpu',
    });
    const source = x(7);
    const held = await session.upload!(source);
    for (let run = 0; run < 3; run++) {
      const { y } = await session.run({ x: held });
      expect(Array.from(y!.data as Float32Array)).toEqual([7]);
    }
    // The caller's data was copied, never moved away.
    expect(Array.from(source.data)).toEqual([7]);
    await held.dispose();
    const late = await session.run({ x: held }).catch((e: unknown) => e);
    expect(SessionRunError.isInstance(late)).toBe(true);
    await session.dispose();
  });

  it('refuses a runtime object, which cannot cross into a worker, and an unknown thread', () => {
    const runtime = {} as OrtRuntime;
    for (const options of [{ thread: 'worker', runtime }, { thread: 'pool' }] as const) {
      let error: unknown;
      try {
        createOnnxNodeBackend(options as never);
      } catch (e) {
        error = e;
      }
      expect(InvalidInputError.isInstance(error)).toBe(true);
    }
  });
});
