import { ModelLoadError } from '@joyvasa/core';
import { mlpModel } from '@joyvasa/test-utils';
import { describe, expect, it } from 'vitest';
import { createOnnxCapiBackend } from './capi-backend.js';
import { cudaOptionEntries, type OnnxCapiSessionOptions, sessionCapiOptions } from './provider-options.js';

describe('per-session capi options', () => {
  const defaults: OnnxCapiSessionOptions = {
    cuda: { enableCudaGraph: true, cudnnConvAlgoSearch: 'EXHAUSTIVE' },
    sessionConfig: { a: '1' },
    sessions: {
      spade_generator: { cuda: { preferNhwc: true, fuseConvBias: true }, pinnedHostMemory: true },
    },
  };

  it('gives the named session its override over the rest, key by key, and the others the rest', () => {
    const generator = sessionCapiOptions(defaults, { graphOptimizationLevel: 2 }, 'spade_generator');
    expect(generator).toEqual({
      cuda: {
        enableCudaGraph: true,
        cudnnConvAlgoSearch: 'EXHAUSTIVE',
        preferNhwc: true,
        fuseConvBias: true,
      },
      sessionConfig: { a: '1' },
      graphOptimizationLevel: 2,
      pinnedHostMemory: true,
    });
    expect(sessionCapiOptions(defaults, undefined, 'warping_module')).toEqual({
      cuda: { enableCudaGraph: true, cudnnConvAlgoSearch: 'EXHAUSTIVE' },
      sessionConfig: { a: '1' },
    });
    expect(cudaOptionEntries(generator.cuda!, 0)).toContainEqual(['prefer_nhwc', '1']);
  });

  it("lets a session's own options and overrides win over the backend's", () => {
    const own: OnnxCapiSessionOptions = {
      cuda: { enableCudaGraph: false },
      sessionConfig: { b: '2' },
      sessions: { spade_generator: { cuda: { fuseConvBias: false } } },
    };
    const merged = sessionCapiOptions(defaults, own, 'spade_generator');
    expect(merged.cuda).toEqual({
      enableCudaGraph: false,
      cudnnConvAlgoSearch: 'EXHAUSTIVE',
      preferNhwc: true,
      fuseConvBias: false,
    });
    expect(merged.sessionConfig).toEqual({ a: '1', b: '2' });
  });

  it('applies an override to the session of that name only (seen through the runtime on the CPU)', async () => {
    // An optimisation level onnxruntime refuses, set for one session name: only that session fails to load.
    const backend = createOnnxCapiBackend({
      sessionDefaults: { sessions: { broken: { graphOptimizationLevel: 7 as 99 } } },
    });
    const model = mlpModel().bytes;
    const fine = await backend.createSession(model, { device: 'cpu', name: 'fine' });
    await fine.dispose();
    const error = await backend
      .createSession(model, { device: 'cpu', name: 'broken' })
      .catch((e: unknown) => e);
    expect(ModelLoadError.isInstance(error)).toBe(true);
    expect(await backend.aliveObjects()).toEqual({});
  });
});
