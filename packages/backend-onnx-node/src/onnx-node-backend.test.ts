import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import { UnsupportedDeviceError } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createOnnxNodeBackend } from './onnx-node-backend.js';

/** A runtime with a CPU only, recording the execution providers every session was created with. */
function cpuRuntime() {
  const providers: string[] = [];
  const runtime = {
    InferenceSession: {
      async create(_model: Uint8Array, options: { executionProviders: Array<string | { name: string }> }) {
        const provider = options.executionProviders[0]!;
        const name = typeof provider === 'string' ? provider : provider.name;
        providers.push(name);
        if (name !== 'cpu') throw new Error(`no ${name} provider`);
        return { inputNames: [], outputNames: [], release: async () => undefined };
      },
    },
    Tensor: class {},
  } as unknown as OrtRuntime;
  return { runtime, providers };
}

describe('the onnxruntime-node backend', () => {
  it('rejects cuda where it is missing without probing webgpu (Dawn prints driver noise on stderr)', async () => {
    const { runtime, providers } = cpuRuntime();
    const error = (await createOnnxNodeBackend({ runtime })
      .resolveDevice('cuda')
      .catch((e: unknown) => e)) as Error;
    expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
    expect((error as UnsupportedDeviceError).supported).toEqual(['cpu']);
    // The hint points at a README that ships in the npm package, not at the repository's docs folder.
    expect(error.message).toContain('ONNXRUNTIME_NODE_INSTALL');
    expect(error.message).not.toContain('docs/guide');
    expect(providers).not.toContain('webgpu');
  });
});
