import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import { createTensor, InvalidInputError, UnsupportedDeviceError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createOnnxWebBackendWith } from './onnx-web-backend.js';

/**
 * A runtime that behaves as onnxruntime-web's WebGPU execution provider does: a session created while
 * another is being created is rejected with the runtime's own message.
 */
function oneCreationAtATimeRuntime(options: { readonly webgpu: boolean } = { webgpu: true }) {
  let creating = 0;
  const created: number[] = [];
  const runtime = {
    InferenceSession: {
      async create(_model: Uint8Array, session: { executionProviders: string[] }) {
        if (!options.webgpu && session.executionProviders[0] === 'webgpu') throw new Error('no adapter');
        if (creating > 0) throw new Error('another WebGPU EP inference session is being created.');
        creating++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        creating--;
        created.push(created.length);
        return {
          inputNames: ['x'],
          outputNames: ['y'],
          release: async () => undefined,
          run: async () => ({}),
        };
      },
    },
    Tensor: class {},
  } as unknown as OrtRuntime;
  return { runtime, created };
}

describe('the onnxruntime-web backend', () => {
  it('creates sessions one at a time, so models loaded in parallel all load on webgpu', async () => {
    const { runtime, created } = oneCreationAtATimeRuntime();
    const backend = createOnnxWebBackendWith(async () => runtime);
    const model = new Uint8Array(8);
    const sessions = await Promise.all(
      ['audio_encoder', 'motion_generator', 'paste_back'].map((name) =>
        backend.createSession(model, { device: 'webgpu', name }),
      ),
    );
    expect(sessions.map((session) => session.device)).toEqual(['webgpu', 'webgpu', 'webgpu']);
    // Three models and the one webgpu probe, each created alone.
    expect(created).toHaveLength(4);
  });

  it("reports a fallback of 'auto' once to a listener, not once per session", async () => {
    const { runtime } = oneCreationAtATimeRuntime({ webgpu: false });
    const backend = createOnnxWebBackendWith(async () => runtime);
    const events: string[] = [];
    const onEvent = (event: { type: string }) => void events.push(event.type);
    const sessions = await Promise.all(
      [1, 2, 3].map(() => backend.createSession(new Uint8Array(8), { device: 'auto', onEvent })),
    );
    expect(sessions.map((session) => session.device)).toEqual(['wasm', 'wasm', 'wasm']);
    expect(events).toEqual(['backend-fallback']);
  });

  it('runs wasm in the proxy worker when asked, and refuses webgpu then', async () => {
    const { runtime } = oneCreationAtATimeRuntime();
    const env = { wasm: {} as { proxy?: boolean } };
    const withEnv = Object.assign(Object.create(runtime), { env }) as OrtRuntime;
    const backend = createOnnxWebBackendWith(async () => withEnv, { proxy: true });
    const session = await backend.createSession(new Uint8Array(8), { device: 'auto' });
    expect(session.device).toBe('wasm');
    expect(env.wasm.proxy).toBe(true);
    const webgpu = await backend.resolveDevice('webgpu').catch((e: unknown) => e);
    expect(UnsupportedDeviceError.isInstance(webgpu)).toBe(true);
    expect((webgpu as Error).message).toMatch(/proxy/);
    // The proxy is the runtime's, fixed for the page: a backend asking otherwise is told so.
    const other = createOnnxWebBackendWith(async () => withEnv);
    const conflict = await other
      .createSession(new Uint8Array(8), { device: 'wasm' })
      .catch((e: unknown) => e);
    expect(InvalidInputError.isInstance(conflict)).toBe(true);
    expect(env.wasm.proxy).toBe(true);
  });

  it("feeds copies through the proxy, which takes each run's input buffers away", async () => {
    // As onnxruntime-web's proxy does: the run transfers its inputs' buffers to another thread.
    const runtime = {
      env: { wasm: {} },
      InferenceSession: {
        async create() {
          return {
            inputNames: ['x'],
            outputNames: ['y'],
            release: async () => undefined,
            async run(feeds: Record<string, { data: Float32Array }>) {
              const data = feeds.x!.data;
              const sum = data.reduce((a, b) => a + b, 0);
              structuredClone(data.buffer, { transfer: [data.buffer] });
              return { y: { type: 'float32', dims: [1], data: Float32Array.of(sum) } };
            },
          };
        },
      },
      Tensor: class {
        constructor(
          readonly type: string,
          readonly data: Float32Array,
          readonly dims: number[],
        ) {}
      },
    } as unknown as OrtRuntime;
    const backend = createOnnxWebBackendWith(async () => runtime, { proxy: true });
    const session = await backend.createSession(new Uint8Array(8), { device: 'wasm' });
    const x = createTensor('float32', [3], Float32Array.of(1, 2, 3));
    const held = await session.upload!(x);
    for (const feed of [x, x, held, held]) {
      const { y } = await session.run({ x: feed });
      expect(Array.from(y!.data as Float32Array)).toEqual([6]);
    }
    expect(Array.from(x.data)).toEqual([1, 2, 3]);
  });
});
