import { createRequire } from 'node:module';
import type { OrtRuntime } from '@joyvasa/backend-onnx-common';
import { probeModel } from '@joyvasa/backend-onnx-common';
import {
  createMemorySource,
  ManifestError,
  openModelBundle,
  sha256Hex,
  UnsupportedDeviceError,
} from '@joyvasa/core';
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
    // Package managers that hold install scripts back until approved skip the CUDA download too.
    expect(error.message).toContain('pnpm approve-builds onnxruntime-node');
    expect(error.message).toContain('npm approve-scripts onnxruntime-node');
    expect(error.message).not.toContain('docs/guide');
    expect(providers).not.toContain('webgpu');
  });

  it('names the installed runtime and its version (part of a timed renderer choice), not a given one', () => {
    const installed = createRequire(import.meta.url)('onnxruntime-node/package.json').version;
    expect(createOnnxNodeBackend().runtime).toBe(`onnxruntime-node ${installed}`);
    expect(createOnnxNodeBackend({ thread: 'worker' }).runtime).toBe(`onnxruntime-node ${installed}`);
    expect(createOnnxNodeBackend({ runtime: cpuRuntime().runtime }).runtime).toBeUndefined();
  });
});

/** A one-component bundle around the probe model (float32 `x` [1] → `y` [1]) whose manifest declares `dims`. */
async function probeBundle(dims: (number | string | null)[]) {
  const model = probeModel();
  const manifest = {
    manifestVersion: 1,
    name: 'probe',
    version: '0.0.1',
    provenance: 'fixture',
    components: {
      probe: {
        file: { path: 'probe.onnx', sha256: await sha256Hex(model), bytes: model.length },
        inputs: { x: { type: 'float32', dims } },
        outputs: { y: { type: 'float32', dims: [1] } },
      },
    },
  };
  const files = { 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest)), 'probe.onnx': model };
  return openModelBundle(createMemorySource(files));
}

describe('createOnnxNodeBackend sessions', () => {
  it('report the types and dims the model declares', async () => {
    const session = await createOnnxNodeBackend().createSession(probeModel(), { device: 'cpu' });
    expect(session.inputSpecs).toEqual({ x: { type: 'float32', dims: [1] } });
    expect(session.outputSpecs).toEqual({ y: { type: 'float32', dims: [1] } });
    await session.dispose();
  });

  it('fail to load when the manifest declares other dims than the model', async () => {
    const backend = createOnnxNodeBackend();
    const fits = await (await probeBundle(['n'])).createSession(backend, 'probe', { device: 'cpu' });
    await fits.dispose();
    for (const dims of [[7, 7], [2]]) {
      const error = await (await probeBundle(dims))
        .createSession(backend, 'probe', { device: 'cpu' })
        .catch((e: unknown) => e);
      expect(ManifestError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(
        `the model has dims [1], the manifest declares [${dims.join(', ')}]`,
      );
    }
  });
});
