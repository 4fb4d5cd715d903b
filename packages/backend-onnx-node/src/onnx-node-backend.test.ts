import { probeModel } from '@joyvasa/backend-onnx-common';
import { createMemorySource, ManifestError, openModelBundle, sha256Hex } from '@joyvasa/core';
import { describe, expect, it } from 'vitest';
import { createOnnxNodeBackend } from './onnx-node-backend.js';

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
